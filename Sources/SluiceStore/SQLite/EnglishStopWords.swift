/// Words too common to tell passages apart, left out of keyword queries as PostgreSQL's `english`
/// configuration leaves them out: each matches nearly every passage, so ranking all those matches
/// was most of a retrieval's time (about 5× at 10,000 passages) and moved no answer up.
enum EnglishStopWords {
    static let words: Set<String> = [
        "a", "about", "after", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be", "been", "but", "by", "can",
        "could", "did", "do", "does", "for", "from", "had", "has", "have", "he", "her", "his", "how", "i", "if", "in", "into",
        "is", "it", "its", "me", "my", "no", "not", "of", "on", "or", "our", "she", "should", "so", "some", "than", "that",
        "the", "their", "them", "then", "there", "these", "they", "this", "those", "to", "too", "up", "us", "was", "we",
        "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "would", "you", "your",
    ]
}
