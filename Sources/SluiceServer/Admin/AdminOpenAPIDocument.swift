/// The admin API's OpenAPI 3.1 document, served at `/admin/api/openapi.json`. Written by hand:
/// a test checks that every path and method in it is served and every admin route is in it.
enum AdminOpenAPIDocument {
    static let text = #"""
        {
          "openapi": "3.1.0",
          "info": {
            "title": "Sluice admin API",
            "version": "1",
            "description": "Keys, teams, budgets, usage, policies, the audit log and live status of a Sluice gateway. Every route but this document needs an admin: an admin key (sluice keys create --role admin) as x-api-key or Authorization: Bearer, or a console session. Errors are {\"error\":{\"type\":…,\"message\":…}}. Every change is recorded in the audit log as admin:NAME."
          },
          "servers": [
            {
              "url": "/"
            }
          ],
          "security": [
            {
              "adminKey": []
            },
            {
              "bearer": []
            },
            {
              "consoleSession": []
            }
          ],
          "tags": [
            {
              "name": "keys"
            },
            {
              "name": "teams"
            },
            {
              "name": "usage"
            },
            {
              "name": "policies"
            },
            {
              "name": "audit"
            },
            {
              "name": "status"
            },
            {
              "name": "meta"
            }
          ],
          "paths": {
            "/admin/api/openapi.json": {
              "get": {
                "operationId": "getOpenAPIDocument",
                "summary": "This document (no credential needed)",
                "tags": [
                  "meta"
                ],
                "responses": {
                  "200": {
                    "description": "The OpenAPI document",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object"
                        }
                      }
                    }
                  }
                },
                "security": []
              }
            },
            "/admin/api/keys": {
              "get": {
                "operationId": "listKeys",
                "summary": "List keys (never their secrets)",
                "tags": [
                  "keys"
                ],
                "responses": {
                  "200": {
                    "description": "Every key, oldest first",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "required": [
                            "keys"
                          ],
                          "properties": {
                            "keys": {
                              "type": "array",
                              "items": {
                                "$ref": "#/components/schemas/Key"
                              }
                            }
                          }
                        }
                      }
                    }
                  },
                  "401": {
                    "description": "No admin credential, or an unknown, revoked or expired key",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "403": {
                    "description": "A key that is not an admin key (or a console change without its CSRF token)",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "503": {
                    "description": "The database is unavailable; retry after the retry-after header's seconds",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  }
                }
              },
              "post": {
                "operationId": "createKey",
                "summary": "Mint a key; the secret is in this answer only",
                "tags": [
                  "keys"
                ],
                "responses": {
                  "201": {
                    "description": "The key and its secret",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/MintedKey"
                        }
                      }
                    }
                  },
                  "401": {
                    "description": "No admin credential, or an unknown, revoked or expired key",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "403": {
                    "description": "A key that is not an admin key (or a console change without its CSRF token)",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "503": {
                    "description": "The database is unavailable; retry after the retry-after header's seconds",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "400": {
                    "description": "Malformed JSON, an unknown field, a field of the wrong type, or a refused change",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "413": {
                    "description": "Request body larger than the configured limit",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "415": {
                    "description": "Request body not sent as application/json",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "404": {
                    "description": "No such key, team or policy",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  }
                },
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/KeyCreation"
                      }
                    }
                  }
                }
              }
            },
            "/admin/api/keys/{key}": {
              "get": {
                "operationId": "showKey",
                "summary": "Show a key, with its budget's spending this period",
                "tags": [
                  "keys"
                ],
                "responses": {
                  "200": {
                    "description": "The key",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/KeyDetails"
                        }
                      }
                    }
                  },
                  "401": {
                    "description": "No admin credential, or an unknown, revoked or expired key",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "403": {
                    "description": "A key that is not an admin key (or a console change without its CSRF token)",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "503": {
                    "description": "The database is unavailable; retry after the retry-after header's seconds",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "404": {
                    "description": "No such key, team or policy",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  }
                },
                "parameters": [
                  {
                    "name": "key",
                    "in": "path",
                    "required": true,
                    "schema": {
                      "type": "string"
                    },
                    "description": "The key's name or id"
                  }
                ]
              },
              "patch": {
                "operationId": "updateKey",
                "summary": "Change a key's team, budget, policy or models",
                "tags": [
                  "keys"
                ],
                "responses": {
                  "200": {
                    "description": "The key as changed",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Key"
                        }
                      }
                    }
                  },
                  "401": {
                    "description": "No admin credential, or an unknown, revoked or expired key",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "403": {
                    "description": "A key that is not an admin key (or a console change without its CSRF token)",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "503": {
                    "description": "The database is unavailable; retry after the retry-after header's seconds",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "400": {
                    "description": "Malformed JSON, an unknown field, a field of the wrong type, or a refused change",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "413": {
                    "description": "Request body larger than the configured limit",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "415": {
                    "description": "Request body not sent as application/json",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "404": {
                    "description": "No such key, team or policy",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  }
                },
                "parameters": [
                  {
                    "name": "key",
                    "in": "path",
                    "required": true,
                    "schema": {
                      "type": "string"
                    },
                    "description": "The key's name or id"
                  }
                ],
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/KeyUpdate"
                      }
                    }
                  }
                }
              }
            },
            "/admin/api/keys/{key}/rotate": {
              "post": {
                "operationId": "rotateKey",
                "summary": "Replace a key's secret; the old one works for `grace`",
                "tags": [
                  "keys"
                ],
                "responses": {
                  "200": {
                    "description": "The key and its new secret",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/MintedKey"
                        }
                      }
                    }
                  },
                  "401": {
                    "description": "No admin credential, or an unknown, revoked or expired key",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "403": {
                    "description": "A key that is not an admin key (or a console change without its CSRF token)",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "503": {
                    "description": "The database is unavailable; retry after the retry-after header's seconds",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "400": {
                    "description": "Malformed JSON, an unknown field, a field of the wrong type, or a refused change",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "413": {
                    "description": "Request body larger than the configured limit",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "415": {
                    "description": "Request body not sent as application/json",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "404": {
                    "description": "No such key, team or policy",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  }
                },
                "parameters": [
                  {
                    "name": "key",
                    "in": "path",
                    "required": true,
                    "schema": {
                      "type": "string"
                    },
                    "description": "The key's name or id"
                  }
                ],
                "requestBody": {
                  "required": false,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/KeyRotation"
                      }
                    }
                  }
                }
              }
            },
            "/admin/api/keys/{key}/revoke": {
              "post": {
                "operationId": "revokeKey",
                "summary": "Revoke a key; servers refuse it within a second",
                "tags": [
                  "keys"
                ],
                "responses": {
                  "200": {
                    "description": "The revoked key",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Key"
                        }
                      }
                    }
                  },
                  "401": {
                    "description": "No admin credential, or an unknown, revoked or expired key",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "403": {
                    "description": "A key that is not an admin key (or a console change without its CSRF token)",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "503": {
                    "description": "The database is unavailable; retry after the retry-after header's seconds",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "404": {
                    "description": "No such key, team or policy",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  }
                },
                "parameters": [
                  {
                    "name": "key",
                    "in": "path",
                    "required": true,
                    "schema": {
                      "type": "string"
                    },
                    "description": "The key's name or id"
                  }
                ]
              }
            },
            "/admin/api/teams": {
              "get": {
                "operationId": "listTeams",
                "summary": "List teams",
                "tags": [
                  "teams"
                ],
                "responses": {
                  "200": {
                    "description": "Every team, by name",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "required": [
                            "teams"
                          ],
                          "properties": {
                            "teams": {
                              "type": "array",
                              "items": {
                                "$ref": "#/components/schemas/Team"
                              }
                            }
                          }
                        }
                      }
                    }
                  },
                  "401": {
                    "description": "No admin credential, or an unknown, revoked or expired key",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "403": {
                    "description": "A key that is not an admin key (or a console change without its CSRF token)",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "503": {
                    "description": "The database is unavailable; retry after the retry-after header's seconds",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  }
                }
              },
              "post": {
                "operationId": "createTeam",
                "summary": "Make a team",
                "tags": [
                  "teams"
                ],
                "responses": {
                  "201": {
                    "description": "The team",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Team"
                        }
                      }
                    }
                  },
                  "401": {
                    "description": "No admin credential, or an unknown, revoked or expired key",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "403": {
                    "description": "A key that is not an admin key (or a console change without its CSRF token)",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "503": {
                    "description": "The database is unavailable; retry after the retry-after header's seconds",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "400": {
                    "description": "Malformed JSON, an unknown field, a field of the wrong type, or a refused change",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "413": {
                    "description": "Request body larger than the configured limit",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "415": {
                    "description": "Request body not sent as application/json",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  }
                },
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/TeamCreation"
                      }
                    }
                  }
                }
              }
            },
            "/admin/api/teams/{team}": {
              "get": {
                "operationId": "showTeam",
                "summary": "Show a team, its keys, and its budget's spending this period",
                "tags": [
                  "teams"
                ],
                "responses": {
                  "200": {
                    "description": "The team",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/TeamDetails"
                        }
                      }
                    }
                  },
                  "401": {
                    "description": "No admin credential, or an unknown, revoked or expired key",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "403": {
                    "description": "A key that is not an admin key (or a console change without its CSRF token)",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "503": {
                    "description": "The database is unavailable; retry after the retry-after header's seconds",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "404": {
                    "description": "No such key, team or policy",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  }
                },
                "parameters": [
                  {
                    "name": "team",
                    "in": "path",
                    "required": true,
                    "schema": {
                      "type": "string"
                    },
                    "description": "The team's name"
                  }
                ]
              },
              "patch": {
                "operationId": "updateTeam",
                "summary": "Change a team's policy or budget",
                "tags": [
                  "teams"
                ],
                "responses": {
                  "200": {
                    "description": "The team as changed",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Team"
                        }
                      }
                    }
                  },
                  "401": {
                    "description": "No admin credential, or an unknown, revoked or expired key",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "403": {
                    "description": "A key that is not an admin key (or a console change without its CSRF token)",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "503": {
                    "description": "The database is unavailable; retry after the retry-after header's seconds",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "400": {
                    "description": "Malformed JSON, an unknown field, a field of the wrong type, or a refused change",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "413": {
                    "description": "Request body larger than the configured limit",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "415": {
                    "description": "Request body not sent as application/json",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "404": {
                    "description": "No such key, team or policy",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  }
                },
                "parameters": [
                  {
                    "name": "team",
                    "in": "path",
                    "required": true,
                    "schema": {
                      "type": "string"
                    },
                    "description": "The team's name"
                  }
                ],
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/TeamUpdate"
                      }
                    }
                  }
                }
              },
              "delete": {
                "operationId": "removeTeam",
                "summary": "Remove a team no key belongs to",
                "tags": [
                  "teams"
                ],
                "responses": {
                  "200": {
                    "description": "What was removed",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "required": [
                            "removed"
                          ],
                          "properties": {
                            "removed": {
                              "type": "string"
                            }
                          }
                        }
                      }
                    }
                  },
                  "401": {
                    "description": "No admin credential, or an unknown, revoked or expired key",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "403": {
                    "description": "A key that is not an admin key (or a console change without its CSRF token)",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "503": {
                    "description": "The database is unavailable; retry after the retry-after header's seconds",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "400": {
                    "description": "Malformed JSON, an unknown field, a field of the wrong type, or a refused change",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "404": {
                    "description": "No such key, team or policy",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  }
                },
                "parameters": [
                  {
                    "name": "team",
                    "in": "path",
                    "required": true,
                    "schema": {
                      "type": "string"
                    },
                    "description": "The team's name"
                  }
                ]
              }
            },
            "/admin/api/budgets": {
              "get": {
                "operationId": "listBudgets",
                "summary": "Every key and team budget against its spending this period",
                "tags": [
                  "usage"
                ],
                "responses": {
                  "200": {
                    "description": "The budgets",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "required": [
                            "budgets"
                          ],
                          "properties": {
                            "budgets": {
                              "type": "array",
                              "items": {
                                "$ref": "#/components/schemas/Budget"
                              }
                            }
                          }
                        }
                      }
                    }
                  },
                  "401": {
                    "description": "No admin credential, or an unknown, revoked or expired key",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "403": {
                    "description": "A key that is not an admin key (or a console change without its CSRF token)",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "503": {
                    "description": "The database is unavailable; retry after the retry-after header's seconds",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  }
                }
              }
            },
            "/admin/api/usage": {
              "get": {
                "operationId": "usage",
                "summary": "Requests, tokens and cost per key, team, model, session, agent or day",
                "tags": [
                  "usage"
                ],
                "responses": {
                  "200": {
                    "description": "The totals",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Usage"
                        }
                      }
                    }
                  },
                  "401": {
                    "description": "No admin credential, or an unknown, revoked or expired key",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "403": {
                    "description": "A key that is not an admin key (or a console change without its CSRF token)",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "503": {
                    "description": "The database is unavailable; retry after the retry-after header's seconds",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "400": {
                    "description": "Malformed JSON, an unknown field, a field of the wrong type, or a refused change",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  }
                },
                "parameters": [
                  {
                    "name": "by",
                    "in": "query",
                    "required": false,
                    "schema": {
                      "type": "string",
                      "enum": [
                        "key",
                        "team",
                        "model",
                        "session",
                        "agent",
                        "day"
                      ]
                    },
                    "description": "What to total by (default model: each key and model)"
                  },
                  {
                    "name": "from",
                    "in": "query",
                    "required": false,
                    "schema": {
                      "type": "string"
                    },
                    "description": "Start, an ISO 8601 date or time (default: 24h ago)"
                  },
                  {
                    "name": "to",
                    "in": "query",
                    "required": false,
                    "schema": {
                      "type": "string"
                    },
                    "description": "End (exclusive), an ISO 8601 date or time (default: now)"
                  },
                  {
                    "name": "since",
                    "in": "query",
                    "required": false,
                    "schema": {
                      "type": "string",
                      "pattern": "^[0-9]+(ms|s|m|h|d)$",
                      "examples": [
                        "30d",
                        "12h",
                        "10m"
                      ]
                    },
                    "description": "Instead of from: a duration back from now"
                  },
                  {
                    "name": "key",
                    "in": "query",
                    "required": false,
                    "schema": {
                      "type": "string"
                    },
                    "description": "Only this key, by name"
                  }
                ]
              }
            },
            "/admin/api/policies": {
              "get": {
                "operationId": "listPolicies",
                "summary": "The policy files and whether each compiles",
                "tags": [
                  "policies"
                ],
                "responses": {
                  "200": {
                    "description": "The policies",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "required": [
                            "default",
                            "policies"
                          ],
                          "properties": {
                            "default": {
                              "type": "string"
                            },
                            "policies": {
                              "type": "array",
                              "items": {
                                "$ref": "#/components/schemas/PolicySummary"
                              }
                            }
                          }
                        }
                      }
                    }
                  },
                  "401": {
                    "description": "No admin credential, or an unknown, revoked or expired key",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "403": {
                    "description": "A key that is not an admin key (or a console change without its CSRF token)",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "503": {
                    "description": "The database is unavailable; retry after the retry-after header's seconds",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  }
                }
              }
            },
            "/admin/api/policy-check": {
              "post": {
                "operationId": "checkPolicy",
                "summary": "Check a draft policy without loading it",
                "tags": [
                  "policies"
                ],
                "responses": {
                  "200": {
                    "description": "Whether it compiles, else where it fails",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/PolicyCheck"
                        }
                      }
                    }
                  },
                  "401": {
                    "description": "No admin credential, or an unknown, revoked or expired key",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "403": {
                    "description": "A key that is not an admin key (or a console change without its CSRF token)",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "503": {
                    "description": "The database is unavailable; retry after the retry-after header's seconds",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "400": {
                    "description": "Malformed JSON, an unknown field, a field of the wrong type, or a refused change",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "413": {
                    "description": "Request body larger than the configured limit",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "415": {
                    "description": "Request body not sent as application/json",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  }
                },
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/PolicyDraft"
                      }
                    }
                  }
                }
              }
            },
            "/admin/api/policies/{policy}": {
              "get": {
                "operationId": "showPolicy",
                "summary": "A policy's stages and settings",
                "tags": [
                  "policies"
                ],
                "responses": {
                  "200": {
                    "description": "The policy",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Policy"
                        }
                      }
                    }
                  },
                  "401": {
                    "description": "No admin credential, or an unknown, revoked or expired key",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "403": {
                    "description": "A key that is not an admin key (or a console change without its CSRF token)",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "503": {
                    "description": "The database is unavailable; retry after the retry-after header's seconds",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "400": {
                    "description": "Malformed JSON, an unknown field, a field of the wrong type, or a refused change",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "404": {
                    "description": "No such key, team or policy",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  }
                },
                "parameters": [
                  {
                    "name": "policy",
                    "in": "path",
                    "required": true,
                    "schema": {
                      "type": "string"
                    },
                    "description": "The policy's name (its file name without .yaml)"
                  }
                ]
              }
            },
            "/admin/api/policies/{policy}/test": {
              "post": {
                "operationId": "testPolicy",
                "summary": "Run a text through a policy: what would be scrubbed or refused",
                "tags": [
                  "policies"
                ],
                "responses": {
                  "200": {
                    "description": "What the policy would do",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/PolicyTrial"
                        }
                      }
                    }
                  },
                  "401": {
                    "description": "No admin credential, or an unknown, revoked or expired key",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "403": {
                    "description": "A key that is not an admin key (or a console change without its CSRF token)",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "503": {
                    "description": "The database is unavailable; retry after the retry-after header's seconds",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "400": {
                    "description": "Malformed JSON, an unknown field, a field of the wrong type, or a refused change",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "413": {
                    "description": "Request body larger than the configured limit",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "415": {
                    "description": "Request body not sent as application/json",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "404": {
                    "description": "No such key, team or policy",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  }
                },
                "parameters": [
                  {
                    "name": "policy",
                    "in": "path",
                    "required": true,
                    "schema": {
                      "type": "string"
                    },
                    "description": "The policy's name (its file name without .yaml)"
                  }
                ],
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/PolicyTrialRequest"
                      }
                    }
                  }
                }
              }
            },
            "/admin/api/audit": {
              "get": {
                "operationId": "audit",
                "summary": "Administrative changes, newest first",
                "tags": [
                  "audit"
                ],
                "responses": {
                  "200": {
                    "description": "The entries",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "required": [
                            "since",
                            "entries"
                          ],
                          "properties": {
                            "since": {
                              "type": "string",
                              "format": "date-time"
                            },
                            "entries": {
                              "type": "array",
                              "items": {
                                "$ref": "#/components/schemas/AuditEntry"
                              }
                            }
                          }
                        }
                      }
                    }
                  },
                  "401": {
                    "description": "No admin credential, or an unknown, revoked or expired key",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "403": {
                    "description": "A key that is not an admin key (or a console change without its CSRF token)",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "503": {
                    "description": "The database is unavailable; retry after the retry-after header's seconds",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "400": {
                    "description": "Malformed JSON, an unknown field, a field of the wrong type, or a refused change",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  }
                },
                "parameters": [
                  {
                    "name": "since",
                    "in": "query",
                    "required": false,
                    "schema": {
                      "type": "string"
                    },
                    "description": "A duration back from now or an ISO 8601 time (default 7d)"
                  },
                  {
                    "name": "limit",
                    "in": "query",
                    "required": false,
                    "schema": {
                      "type": "integer",
                      "minimum": 1,
                      "maximum": 10000
                    },
                    "description": "At most this many entries (default 100)"
                  }
                ]
              }
            },
            "/admin/api/status": {
              "get": {
                "operationId": "status",
                "summary": "Backends and replicas with their health, engines, cache hit rate, recent errors",
                "tags": [
                  "status"
                ],
                "responses": {
                  "200": {
                    "description": "The gateway now",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Status"
                        }
                      }
                    }
                  },
                  "401": {
                    "description": "No admin credential, or an unknown, revoked or expired key",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "403": {
                    "description": "A key that is not an admin key (or a console change without its CSRF token)",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  },
                  "503": {
                    "description": "The database is unavailable; retry after the retry-after header's seconds",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Error"
                        }
                      }
                    }
                  }
                }
              }
            }
          },
          "components": {
            "schemas": {
              "Error": {
                "type": "object",
                "required": [
                  "error"
                ],
                "additionalProperties": false,
                "properties": {
                  "error": {
                    "type": "object",
                    "required": [
                      "type",
                      "message"
                    ],
                    "additionalProperties": false,
                    "properties": {
                      "type": {
                        "type": "string",
                        "description": "invalid_request_error, authentication_error, permission_error, not_found_error, request_too_large, unsupported_media_type, service_unavailable, api_error"
                      },
                      "message": {
                        "type": "string"
                      }
                    }
                  }
                }
              },
              "Key": {
                "type": "object",
                "required": [
                  "id",
                  "name",
                  "prefix",
                  "role",
                  "models",
                  "status",
                  "created_at"
                ],
                "properties": {
                  "id": {
                    "type": "string"
                  },
                  "name": {
                    "type": "string"
                  },
                  "prefix": {
                    "type": "string",
                    "description": "The first characters of the secret"
                  },
                  "role": {
                    "type": "string",
                    "enum": [
                      "user",
                      "admin"
                    ]
                  },
                  "policy": {
                    "type": [
                      "string",
                      "null"
                    ]
                  },
                  "models": {
                    "type": "array",
                    "items": {
                      "type": "string"
                    }
                  },
                  "expires_at": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "format": "date-time"
                  },
                  "revoked_at": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "format": "date-time"
                  },
                  "created_at": {
                    "type": "string",
                    "format": "date-time"
                  },
                  "last_used_at": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "format": "date-time"
                  },
                  "previous_key_expires_at": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "format": "date-time"
                  },
                  "requests_per_minute": {
                    "type": [
                      "integer",
                      "null"
                    ]
                  },
                  "tokens_per_minute": {
                    "type": [
                      "integer",
                      "null"
                    ]
                  },
                  "concurrency": {
                    "type": [
                      "integer",
                      "null"
                    ]
                  },
                  "team": {
                    "type": [
                      "string",
                      "null"
                    ]
                  },
                  "budget_usd": {
                    "type": [
                      "number",
                      "null"
                    ]
                  },
                  "budget_period": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "enum": [
                      "day",
                      "week",
                      "month",
                      null
                    ]
                  },
                  "status": {
                    "type": "string",
                    "enum": [
                      "active",
                      "revoked",
                      "expired"
                    ]
                  }
                }
              },
              "MintedKey": {
                "allOf": [
                  {
                    "$ref": "#/components/schemas/Key"
                  },
                  {
                    "type": "object",
                    "required": [
                      "key"
                    ],
                    "properties": {
                      "key": {
                        "type": "string",
                        "description": "The secret: shown in this answer only, never again"
                      }
                    }
                  }
                ]
              },
              "KeyDetails": {
                "allOf": [
                  {
                    "$ref": "#/components/schemas/Key"
                  },
                  {
                    "type": "object",
                    "properties": {
                      "spent_usd": {
                        "type": [
                          "number",
                          "null"
                        ]
                      },
                      "budget_resets_at": {
                        "type": [
                          "string",
                          "null"
                        ],
                        "format": "date-time"
                      }
                    }
                  }
                ]
              },
              "KeyCreation": {
                "type": "object",
                "required": [
                  "name"
                ],
                "additionalProperties": false,
                "properties": {
                  "name": {
                    "type": "string",
                    "description": "Unique, without spaces"
                  },
                  "role": {
                    "type": "string",
                    "enum": [
                      "user",
                      "admin"
                    ],
                    "default": "user"
                  },
                  "policy": {
                    "type": "string"
                  },
                  "models": {
                    "type": "array",
                    "items": {
                      "type": "string"
                    },
                    "description": "Globs of the models the key may use; none: every model (an admin key: no model)"
                  },
                  "expires_in": {
                    "type": "string",
                    "pattern": "^[0-9]+(ms|s|m|h|d)$",
                    "examples": [
                      "30d",
                      "12h",
                      "10m"
                    ]
                  },
                  "requests_per_minute": {
                    "type": "integer",
                    "minimum": 1
                  },
                  "tokens_per_minute": {
                    "type": "integer",
                    "minimum": 1
                  },
                  "concurrency": {
                    "type": "integer",
                    "minimum": 1
                  },
                  "team": {
                    "type": "string"
                  },
                  "budget_usd": {
                    "oneOf": [
                      {
                        "type": "number",
                        "minimum": 0
                      },
                      {
                        "type": "string",
                        "pattern": "^\\$?[0-9]*(\\.[0-9]{1,9})?$"
                      }
                    ],
                    "description": "US dollars, as a number (12.5) or a string (\"12.50\")"
                  },
                  "budget_period": {
                    "type": "string",
                    "enum": [
                      "day",
                      "week",
                      "month"
                    ]
                  }
                }
              },
              "KeyUpdate": {
                "type": "object",
                "minProperties": 1,
                "additionalProperties": false,
                "description": "Absent fields stay as they are; null clears one",
                "properties": {
                  "team": {
                    "type": [
                      "string",
                      "null"
                    ]
                  },
                  "budget_usd": {
                    "oneOf": [
                      {
                        "type": "null"
                      },
                      {
                        "type": "number",
                        "minimum": 0
                      },
                      {
                        "type": "string",
                        "pattern": "^\\$?[0-9]*(\\.[0-9]{1,9})?$"
                      }
                    ],
                    "description": "US dollars, as a number (12.5) or a string (\"12.50\"); null removes the budget"
                  },
                  "budget_period": {
                    "type": "string",
                    "enum": [
                      "day",
                      "week",
                      "month"
                    ]
                  },
                  "policy": {
                    "type": [
                      "string",
                      "null"
                    ]
                  },
                  "models": {
                    "type": [
                      "array",
                      "null"
                    ],
                    "items": {
                      "type": "string"
                    },
                    "description": "Empty or null: every model"
                  }
                }
              },
              "KeyRotation": {
                "type": "object",
                "additionalProperties": false,
                "properties": {
                  "grace": {
                    "type": "string",
                    "pattern": "^[0-9]+(ms|s|m|h|d)$",
                    "examples": [
                      "30d",
                      "12h",
                      "10m"
                    ],
                    "description": "How long the old secret keeps working (default: it stops at once)"
                  }
                }
              },
              "Team": {
                "type": "object",
                "required": [
                  "name",
                  "budget_period",
                  "created_at"
                ],
                "properties": {
                  "name": {
                    "type": "string"
                  },
                  "policy": {
                    "type": [
                      "string",
                      "null"
                    ]
                  },
                  "budget_usd": {
                    "type": [
                      "number",
                      "null"
                    ]
                  },
                  "budget_period": {
                    "type": "string",
                    "enum": [
                      "day",
                      "week",
                      "month"
                    ]
                  },
                  "created_at": {
                    "type": "string",
                    "format": "date-time"
                  }
                }
              },
              "TeamDetails": {
                "allOf": [
                  {
                    "$ref": "#/components/schemas/Team"
                  },
                  {
                    "type": "object",
                    "required": [
                      "keys"
                    ],
                    "properties": {
                      "keys": {
                        "type": "array",
                        "items": {
                          "type": "string"
                        }
                      },
                      "spent_usd": {
                        "type": [
                          "number",
                          "null"
                        ]
                      },
                      "budget_resets_at": {
                        "type": [
                          "string",
                          "null"
                        ],
                        "format": "date-time"
                      }
                    }
                  }
                ]
              },
              "TeamCreation": {
                "type": "object",
                "required": [
                  "name"
                ],
                "additionalProperties": false,
                "properties": {
                  "name": {
                    "type": "string"
                  },
                  "policy": {
                    "type": "string"
                  },
                  "budget_usd": {
                    "oneOf": [
                      {
                        "type": "number",
                        "minimum": 0
                      },
                      {
                        "type": "string",
                        "pattern": "^\\$?[0-9]*(\\.[0-9]{1,9})?$"
                      }
                    ],
                    "description": "US dollars, as a number (12.5) or a string (\"12.50\")"
                  },
                  "budget_period": {
                    "type": "string",
                    "enum": [
                      "day",
                      "week",
                      "month"
                    ]
                  }
                }
              },
              "TeamUpdate": {
                "type": "object",
                "minProperties": 1,
                "additionalProperties": false,
                "properties": {
                  "policy": {
                    "type": [
                      "string",
                      "null"
                    ]
                  },
                  "budget_usd": {
                    "oneOf": [
                      {
                        "type": "null"
                      },
                      {
                        "type": "number",
                        "minimum": 0
                      },
                      {
                        "type": "string",
                        "pattern": "^\\$?[0-9]*(\\.[0-9]{1,9})?$"
                      }
                    ],
                    "description": "US dollars, as a number (12.5) or a string (\"12.50\"); null removes the budget"
                  },
                  "budget_period": {
                    "type": "string",
                    "enum": [
                      "day",
                      "week",
                      "month"
                    ]
                  }
                }
              },
              "Budget": {
                "type": "object",
                "required": [
                  "scope",
                  "name",
                  "period",
                  "budget_usd",
                  "spent_usd",
                  "resets_at"
                ],
                "properties": {
                  "scope": {
                    "type": "string",
                    "enum": [
                      "key",
                      "team"
                    ]
                  },
                  "name": {
                    "type": "string"
                  },
                  "period": {
                    "type": "string",
                    "enum": [
                      "day",
                      "week",
                      "month"
                    ]
                  },
                  "budget_usd": {
                    "type": "number"
                  },
                  "spent_usd": {
                    "type": "number"
                  },
                  "resets_at": {
                    "type": "string",
                    "format": "date-time"
                  }
                }
              },
              "UsageRow": {
                "type": "object",
                "required": [
                  "requests",
                  "errors",
                  "input_tokens",
                  "output_tokens",
                  "cache_read_input_tokens",
                  "cache_hits",
                  "cost_usd"
                ],
                "description": "Totals of one group; the grouping columns (key, team, model, session, agent, day) depend on `by`",
                "properties": {
                  "key": {
                    "type": "string"
                  },
                  "team": {
                    "type": "string"
                  },
                  "model": {
                    "type": "string"
                  },
                  "session": {
                    "type": "string"
                  },
                  "agent": {
                    "type": "string"
                  },
                  "day": {
                    "type": "string"
                  },
                  "requests": {
                    "type": "integer"
                  },
                  "errors": {
                    "type": "integer"
                  },
                  "input_tokens": {
                    "type": "integer"
                  },
                  "output_tokens": {
                    "type": "integer"
                  },
                  "cache_read_input_tokens": {
                    "type": "integer"
                  },
                  "cache_hits": {
                    "type": "integer"
                  },
                  "cost_usd": {
                    "type": "number"
                  }
                }
              },
              "Usage": {
                "type": "object",
                "required": [
                  "by",
                  "from",
                  "to",
                  "rows"
                ],
                "properties": {
                  "by": {
                    "type": "string"
                  },
                  "from": {
                    "type": "string",
                    "format": "date-time"
                  },
                  "to": {
                    "type": "string",
                    "format": "date-time"
                  },
                  "key": {
                    "type": [
                      "string",
                      "null"
                    ]
                  },
                  "rows": {
                    "type": "array",
                    "items": {
                      "$ref": "#/components/schemas/UsageRow"
                    }
                  }
                }
              },
              "PolicySummary": {
                "type": "object",
                "required": [
                  "name",
                  "file",
                  "default",
                  "stages",
                  "valid"
                ],
                "properties": {
                  "name": {
                    "type": "string"
                  },
                  "file": {
                    "type": "string"
                  },
                  "default": {
                    "type": "boolean"
                  },
                  "stages": {
                    "type": "array",
                    "items": {
                      "type": "string"
                    }
                  },
                  "valid": {
                    "type": "boolean"
                  },
                  "error": {
                    "type": "string"
                  }
                }
              },
              "PolicyCheck": {
                "type": "object",
                "required": [
                  "valid"
                ],
                "properties": {
                  "valid": {
                    "type": "boolean"
                  },
                  "error": {
                    "type": "string"
                  },
                  "line": {
                    "type": [
                      "integer",
                      "null"
                    ]
                  },
                  "column": {
                    "type": "integer"
                  }
                }
              },
              "Policy": {
                "type": "object",
                "required": [
                  "name",
                  "file",
                  "stages",
                  "settings",
                  "default",
                  "check"
                ],
                "properties": {
                  "name": {
                    "type": "string"
                  },
                  "file": {
                    "type": "string"
                  },
                  "stages": {
                    "type": "array",
                    "items": {
                      "type": "string"
                    }
                  },
                  "settings": {
                    "type": "object"
                  },
                  "default": {
                    "type": "boolean"
                  },
                  "check": {
                    "$ref": "#/components/schemas/PolicyCheck"
                  }
                }
              },
              "PolicyDraft": {
                "type": "object",
                "required": [
                  "yaml"
                ],
                "additionalProperties": false,
                "properties": {
                  "yaml": {
                    "type": "string",
                    "description": "The policy file's text"
                  },
                  "name": {
                    "type": "string",
                    "description": "The name to check it under (default: draft)"
                  }
                }
              },
              "PolicyTrialRequest": {
                "type": "object",
                "required": [
                  "text"
                ],
                "additionalProperties": false,
                "properties": {
                  "text": {
                    "type": "string"
                  }
                }
              },
              "PolicyTrial": {
                "type": "object",
                "required": [
                  "policy",
                  "refused",
                  "reason",
                  "upstream",
                  "found"
                ],
                "properties": {
                  "policy": {
                    "type": "string"
                  },
                  "refused": {
                    "type": "boolean"
                  },
                  "reason": {
                    "type": [
                      "string",
                      "null"
                    ]
                  },
                  "upstream": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "description": "The text as it would go upstream, scrubbed; null when refused"
                  },
                  "found": {
                    "type": "array",
                    "items": {
                      "type": "string"
                    },
                    "description": "What the stages did, such as pii:EMAIL=1"
                  }
                }
              },
              "AuditEntry": {
                "type": "object",
                "required": [
                  "id",
                  "at",
                  "actor",
                  "action",
                  "target",
                  "details"
                ],
                "properties": {
                  "id": {
                    "type": "integer"
                  },
                  "at": {
                    "type": "string",
                    "format": "date-time"
                  },
                  "actor": {
                    "type": "string",
                    "description": "An OS user for the CLI; admin:NAME for the admin API; sluice serve"
                  },
                  "action": {
                    "type": "string",
                    "examples": [
                      "key.created",
                      "key.rotated",
                      "key.revoked",
                      "key.updated",
                      "team.created",
                      "team.updated",
                      "team.removed",
                      "policy.loaded"
                    ]
                  },
                  "target": {
                    "type": "string"
                  },
                  "details": {
                    "type": "object"
                  }
                }
              },
              "Replica": {
                "type": "object",
                "required": [
                  "url",
                  "available",
                  "outstanding",
                  "consecutive_failures",
                  "failing_health_check",
                  "ejected_for_seconds"
                ],
                "properties": {
                  "url": {
                    "type": "string"
                  },
                  "available": {
                    "type": "boolean"
                  },
                  "outstanding": {
                    "type": "integer"
                  },
                  "consecutive_failures": {
                    "type": "integer"
                  },
                  "failing_health_check": {
                    "type": "boolean"
                  },
                  "ejected_for_seconds": {
                    "type": [
                      "number",
                      "null"
                    ]
                  }
                }
              },
              "Engine": {
                "type": "object",
                "properties": {
                  "queue_depth": {
                    "type": "integer"
                  },
                  "busy_sequences": {
                    "type": "integer"
                  },
                  "sequences": {
                    "type": "integer"
                  },
                  "requests_finished": {
                    "type": "integer"
                  },
                  "generated_tokens": {
                    "type": "integer"
                  },
                  "generation_tokens_per_second": {
                    "type": "number"
                  },
                  "prompt_tokens_evaluated": {
                    "type": "integer"
                  },
                  "prompt_tokens_reused": {
                    "type": "integer"
                  }
                }
              },
              "Status": {
                "type": "object",
                "required": [
                  "started_at",
                  "database",
                  "backends",
                  "requests",
                  "cache",
                  "recent_errors"
                ],
                "properties": {
                  "started_at": {
                    "type": "string",
                    "format": "date-time"
                  },
                  "database": {
                    "type": "string",
                    "enum": [
                      "reachable",
                      "unreachable"
                    ]
                  },
                  "requests": {
                    "type": "integer"
                  },
                  "backends": {
                    "type": "array",
                    "items": {
                      "type": "object",
                      "required": [
                        "name",
                        "kind",
                        "status",
                        "replicas",
                        "engine"
                      ],
                      "properties": {
                        "name": {
                          "type": "string"
                        },
                        "kind": {
                          "type": "string"
                        },
                        "status": {
                          "type": "string",
                          "enum": [
                            "available",
                            "unavailable"
                          ]
                        },
                        "replicas": {
                          "type": "array",
                          "items": {
                            "$ref": "#/components/schemas/Replica"
                          }
                        },
                        "engine": {
                          "oneOf": [
                            {
                              "$ref": "#/components/schemas/Engine"
                            },
                            {
                              "type": "null"
                            }
                          ]
                        }
                      }
                    }
                  },
                  "cache": {
                    "type": "object",
                    "required": [
                      "hits",
                      "misses",
                      "hit_rate"
                    ],
                    "properties": {
                      "hits": {
                        "type": "integer"
                      },
                      "misses": {
                        "type": "integer"
                      },
                      "hit_rate": {
                        "type": [
                          "number",
                          "null"
                        ]
                      }
                    }
                  },
                  "recent_errors": {
                    "type": "array",
                    "items": {
                      "type": "object",
                      "properties": {
                        "at": {
                          "type": "string",
                          "format": "date-time"
                        },
                        "method": {
                          "type": "string"
                        },
                        "path": {
                          "type": "string"
                        },
                        "status": {
                          "type": "integer"
                        },
                        "error": {
                          "type": "string"
                        },
                        "key": {
                          "type": [
                            "string",
                            "null"
                          ]
                        },
                        "request_id": {
                          "type": "string"
                        }
                      }
                    }
                  }
                }
              }
            },
            "securitySchemes": {
              "adminKey": {
                "type": "apiKey",
                "in": "header",
                "name": "x-api-key",
                "description": "An admin key"
              },
              "bearer": {
                "type": "http",
                "scheme": "bearer",
                "description": "An admin key as a bearer token"
              },
              "consoleSession": {
                "type": "apiKey",
                "in": "cookie",
                "name": "sluice_console",
                "description": "A console session (signed in at /admin/login or by single sign-on); a change also needs the session's CSRF token in the X-CSRF-Token header"
              }
            }
          }
        }
        """#
}
