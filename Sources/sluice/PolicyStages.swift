internal import SluiceCore
internal import SluicePolicy

/// The stages policy files may name. To add a custom stage, write a type conforming to
/// `PolicyStage` (with its `PolicySession`) and a `PolicyStageFactory` for it, and list the
/// factory here; policies can then name it in `stages:` and configure it in a section of its name.
enum PolicyStages {
    static var registered: [any PolicyStageFactory] {
        BuiltInPolicyStages.factories
    }
}
