"""The OpenAPI 3.1 description of /api/v1, kept beside the routes it describes."""

from __future__ import annotations

from typing import Any

_ERROR = {
    "type": "object",
    "required": ["error", "message"],
    "properties": {
        "error": {"type": "string", "description": "machine-readable code"},
        "message": {"type": "string", "description": "what to do about it, Thai then English"},
        "fields": {
            "type": "object",
            "additionalProperties": {"type": "string"},
            "description": "for 400: each invalid field and what is wrong with it",
        },
    },
}

_TASK = {
    "type": "object",
    "required": ["id", "name", "lane", "instance_id", "process_key", "assignee", "created_at",
                 "due_at"],
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "name": {"type": "string", "description": "Thai name of the BPMN task"},
        "lane": {"type": ["string", "null"]},
        "role": {"type": ["string", "null"]},
        "instance_id": {"type": "integer"},
        "process_key": {"type": "string"},
        "title": {"type": "string", "description": "the case title"},
        "state": {"type": "string", "enum": ["open", "completed", "cancelled"]},
        "assignee": {"type": ["string", "null"], "description": "user name of the holder"},
        "created_at": {"type": "string", "format": "date-time"},
        "due_at": {"type": ["string", "null"], "format": "date-time"},
        "completed_at": {"type": ["string", "null"], "format": "date-time"},
    },
}

_TASK_DETAIL = {
    "allOf": [
        {"$ref": "#/components/schemas/Task"},
        {
            "type": "object",
            "properties": {
                "form": {"type": "object", "description": "the task's form as JSON Schema"},
                "documentation": {"type": "string"},
                "may_act": {"type": "boolean"},
            },
        },
    ]
}

_INSTANCE = {
    "type": "object",
    "required": ["id", "process_key", "version", "status", "tasks", "history"],
    "properties": {
        "id": {"type": "integer"},
        "process_key": {"type": "string"},
        "version": {"type": "integer"},
        "status": {"type": "string", "enum": ["running", "completed", "cancelled", "error"]},
        "title": {"type": "string"},
        "created_at": {"type": "string", "format": "date-time"},
        "updated_at": {"type": "string", "format": "date-time"},
        "ended_at": {"type": ["string", "null"], "format": "date-time"},
        "tasks": {"type": "array", "items": {"$ref": "#/components/schemas/Task"}},
        "history": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "at": {"type": "string", "format": "date-time"},
                    "actor": {"type": "string"},
                    "action": {"type": "string"},
                    "task_id": {"type": ["string", "null"]},
                    "detail": {"type": "object"},
                },
            },
        },
        "data": {"type": "object", "description": "case data, without personal data"},
        "personal_data": {
            "type": ["object", "null"],
            "description": "complaints only: complainant's and accused's personal data, for "
            "legal_officer, legal_head and director (each read is audited); null otherwise",
        },
    },
}

_ESCALATION = {
    "type": "object",
    "required": ["id", "instance_id", "task_id", "level", "status", "due_at", "fired_at",
                 "acknowledged_by", "acknowledged_at"],
    "properties": {
        "id": {"type": "integer"},
        "instance_id": {"type": "integer"},
        "process_key": {"type": "string"},
        "task_id": {"type": ["string", "null"]},
        "code": {"type": "string", "description": "the escalation code thrown in the BPMN"},
        "level": {"type": "integer", "description": "0 reminder, 1 first escalation, …"},
        "notify_role": {"type": ["string", "null"]},
        "status": {"type": "string", "enum": ["open", "acknowledged", "resolved"]},
        "due_at": {"type": "string", "format": "date-time"},
        "fired_at": {"type": "string", "format": "date-time"},
        "acknowledged_by": {"type": ["string", "null"]},
        "acknowledged_at": {"type": ["string", "null"], "format": "date-time"},
        "resolved_at": {"type": ["string", "null"], "format": "date-time"},
    },
}

_PROCESS = {
    "type": "object",
    "required": ["key", "name", "version", "version_hash", "start_form"],
    "properties": {
        "key": {"type": "string"},
        "name": {"type": "string"},
        "version": {"type": "integer", "minimum": 1},
        "version_hash": {"type": "string", "description": "sha256 of the deployed content"},
        "start_form": {"type": "object", "description": "JSON Schema; {} when none"},
    },
}

_PERSONAL_DATA_READ = {
    "type": "object",
    "required": ["id", "at", "username", "display_name", "instance_id", "action"],
    "properties": {
        "id": {"type": "integer", "description": "the audit event's id"},
        "at": {"type": "string", "format": "date-time"},
        "username": {"type": "string"},
        "display_name": {"type": "string"},
        "acting_for": {"type": ["string", "null"],
                       "description": "the role held only by an acting appointment"},
        "instance_id": {"type": ["integer", "null"], "description": "the case number"},
        "action": {"type": "string", "description": "personal_data_read, attachment_read, …"},
        "fields": {"type": "array", "items": {"type": "string"},
                   "description": "names (never values) of the personal-data fields shown"},
        "attachment": {"type": ["object", "null"], "properties": {
            "id": {"type": "integer"}, "filename": {"type": ["string", "null"]}}},
    },
}


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def _ok(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_ERRORS = {
    "400": _error("invalid input; nothing was changed"),
    "401": _error("missing or invalid token"),
    "403": _error("your roles do not allow this"),
    "404": _error("not found"),
}

_DATA_BODY = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {"data": {"type": "object"}},
            }
        }
    },
}


_KEY = {"name": "key", "in": "path", "required": True, "schema": {"type": "string"}}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _task_action(summary: str, body: bool = False) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "summary": summary,
        "parameters": [{"name": "task_id", "in": "path", "required": True,
                        "schema": {"type": "string"}}],
        "responses": {
            "200": _ok(_ref("Task")),
            **_ERRORS,
            "409": _error("claimed by someone else, already finished, or a concurrent update"),
        },
    }
    if body:
        operation["requestBody"] = _DATA_BODY
        operation["responses"]["422"] = _error("the BPMN failed while running; nothing saved")
    return {"post": operation}


def openapi_document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "govflow API",
            "version": "1",
            "description": "Tasks and cases of the office's BPMN processes (publishing, "
            "complaints). Authenticate with 'Authorization: Bearer <token>'.",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": _ERROR,
                "Task": _TASK,
                "TaskDetail": _TASK_DETAIL,
                "Instance": _INSTANCE,
                "Process": _PROCESS,
                "Escalation": _ESCALATION,
                "PersonalDataRead": _PERSONAL_DATA_READ,
            },
        },
        "paths": {
            "/processes": {
                "get": {
                    "summary": "Deployed processes with their current version and start form",
                    "responses": {
                        "200": _ok({"type": "object", "properties": {
                            "processes": {"type": "array", "items": _ref("Process")}}}),
                        "401": _ERRORS["401"],
                    },
                }
            },
            "/processes/{key}/instances": {
                "post": {
                    "summary": "Start a case with the start form's data",
                    "parameters": [{"name": "key", "in": "path", "required": True,
                                    "schema": {"type": "string"}}],
                    "requestBody": _DATA_BODY,
                    "responses": {"201": _ok(_ref("Instance"), "started"), **_ERRORS,
                                  "422": _error("the BPMN failed while running")},
                }
            },
            "/instances/{id}": {
                "get": {
                    "summary": "A case with its open tasks and history",
                    "parameters": [{"name": "id", "in": "path", "required": True,
                                    "schema": {"type": "integer"}}],
                    "responses": {"200": _ok(_ref("Instance")), **_ERRORS},
                }
            },
            "/tasks": {
                "get": {
                    "summary": "Open tasks: mine, unclaimed in my groups, or all (supervisors)",
                    "parameters": [
                        {"name": "view", "in": "query",
                         "schema": {"type": "string", "enum": ["mine", "group", "all"],
                                    "default": "mine"}},
                        {"name": "process", "in": "query", "schema": {"type": "string"}},
                        {"name": "overdue", "in": "query", "schema": {"type": "boolean"}},
                        {"name": "due_before", "in": "query",
                         "schema": {"type": "string", "format": "date-time"}},
                        {"name": "sort", "in": "query",
                         "schema": {"type": "string",
                                    "enum": ["due", "-due", "created", "-created"]}},
                        {"name": "limit", "in": "query",
                         "schema": {"type": "integer", "minimum": 1, "maximum": 200}},
                        {"name": "offset", "in": "query",
                         "schema": {"type": "integer", "minimum": 0}},
                    ],
                    "responses": {
                        "200": _ok({"type": "object", "properties": {
                            "tasks": {"type": "array", "items": _ref("Task")},
                            "total": {"type": "integer"}}}),
                        **_ERRORS,
                    },
                }
            },
            "/tasks/{task_id}": {
                "get": {
                    "summary": "A task with its form (JSON Schema) and instructions",
                    "parameters": [{"name": "task_id", "in": "path", "required": True,
                                    "schema": {"type": "string"}}],
                    "responses": {"200": _ok(_ref("TaskDetail")), **_ERRORS},
                }
            },
            "/tasks/{task_id}/claim": _task_action("Claim an unclaimed task"),
            "/tasks/{task_id}/unclaim": _task_action("Give a task back to its group"),
            "/tasks/{task_id}/complete": _task_action("Submit the task's form", body=True),
            "/escalations": {
                "get": {
                    "summary": "Escalations of the processes you supervise or are told about",
                    "parameters": [{"name": "status", "in": "query",
                                    "schema": {"type": "string",
                                               "enum": ["open", "acknowledged", "resolved"]}}],
                    "responses": {
                        "200": _ok({"type": "object", "properties": {
                            "escalations": {"type": "array", "items": _ref("Escalation")}}}),
                        **_ERRORS,
                    },
                }
            },
            "/escalations/{escalation_id}/acknowledge": {
                "post": {
                    "summary": "Acknowledge an open escalation",
                    "parameters": [{"name": "escalation_id", "in": "path", "required": True,
                                    "schema": {"type": "integer"}}],
                    "responses": {"200": _ok(_ref("Escalation")), **_ERRORS},
                }
            },
            "/processes/{key}/versions": {
                "get": {
                    "summary": "Deployed versions with running and finished case counts "
                               "(process owners, administrators, the process's supervisors)",
                    "parameters": [_KEY],
                    "responses": {"200": _ok({"type": "object"}), **_ERRORS},
                }
            },
            "/processes/{key}/versions/{version}/diagram.svg": {
                "get": {
                    "summary": "The version's diagram, drawn from its BPMNDI, as SVG; each shape "
                               "is a group with data-element-id",
                    "parameters": [_KEY, {"name": "version", "in": "path", "required": True,
                                          "schema": {"type": "integer"}}],
                    "responses": {"200": {"description": "SVG",
                                          "content": {"image/svg+xml": {}}}, **_ERRORS},
                }
            },
            "/processes/{key}/diff": {
                "get": {
                    "summary": "Elements added, removed and changed between two versions, and "
                               "the running cases on a changed or removed task",
                    "parameters": [
                        _KEY,
                        {"name": "from", "in": "query", "required": True,
                         "schema": {"type": "integer"}},
                        {"name": "to", "in": "query", "required": True,
                         "schema": {"type": "integer"}},
                    ],
                    "responses": {"200": _ok({"type": "object"}), **_ERRORS},
                }
            },
            "/processes/{key}/versions/{version}/make-current": {
                "post": {
                    "summary": "Make an earlier version current again (process owners)",
                    "parameters": [_KEY, {"name": "version", "in": "path", "required": True,
                                          "schema": {"type": "integer"}}],
                    "responses": {"200": _ok({"type": "object"}), **_ERRORS},
                }
            },
            "/instances/{id}/migrate": {
                "post": {
                    "summary": "Move a running case to a newer version (process owners); "
                               "refused with a reason (409) where unsafe",
                    "parameters": [{"name": "id", "in": "path", "required": True,
                                    "schema": {"type": "integer"}}],
                    "requestBody": {"required": True, "content": {"application/json": {
                        "schema": {"type": "object", "properties": {
                            "to_version": {"type": ["integer", "null"]}}}}}},
                    "responses": {"200": _ok({"type": "object"}), **_ERRORS,
                                  "409": _error("unsafe to move, or already on that version")},
                }
            },
            "/public/complaints": {
                "post": {
                    "summary": "File a complaint from the website (no token; rate-limited). The "
                               "body uses the complaint start form's keys, without channel and "
                               "received_at (set by the office), plus notice_acknowledged: true",
                    "security": [],
                    "requestBody": {"required": True, "content": {"application/json": {
                        "schema": {"type": "object", "required": ["notice_acknowledged"],
                                   "properties": {"notice_acknowledged": {"const": True}}}}}},
                    "responses": {
                        "201": _ok({"type": "object", "properties": {
                            "tracking_code": {"type": "string"},
                            "secret": {"type": "string"},
                            "received_on": {"type": "string", "format": "date"}}},
                            "filed; keep the code and the secret"),
                        "400": _ERRORS["400"],
                        "429": _error("too many requests from this address"),
                    },
                }
            },
            "/public/complaints/{code}/attachments": {
                "post": {
                    "summary": "Attach evidence (PDF, JPEG or PNG up to 10 MB; at most 5 files "
                               "within 7 days of filing) to a complaint filed on the website "
                               "(no token; rate-limited)",
                    "security": [],
                    "parameters": [{"name": "code", "in": "path", "required": True,
                                    "schema": {"type": "string"}}],
                    "requestBody": {"required": True, "content": {"multipart/form-data": {
                        "schema": {"type": "object", "required": ["file", "secret"],
                                   "properties": {"file": {"type": "string",
                                                           "format": "binary"},
                                                  "secret": {"type": "string"}}}}}},
                    "responses": {"201": _ok({"type": "object"}), "400": _ERRORS["400"],
                                  "404": _ERRORS["404"], "413": _error("file too large"),
                                  "429": _error("too many requests from this address")},
                }
            },
            "/public/complaints/{code}": {
                "get": {
                    "summary": "Status and dates of a complaint (no token; rate-limited); once "
                               "the complainant has been told, `result` holds the outcome and "
                               "the office's message; a wrong secret gets the same 404 as an "
                               "unknown code",
                    "security": [],
                    "parameters": [
                        {"name": "code", "in": "path", "required": True,
                         "schema": {"type": "string"}},
                        {"name": "secret", "in": "query", "required": True,
                         "schema": {"type": "string"}},
                    ],
                    "responses": {"200": _ok({"type": "object"}), "404": _ERRORS["404"],
                                  "429": _error("too many requests from this address")},
                }
            },
            "/openapi.json": {
                "get": {"summary": "This document", "security": [],
                        "responses": {"200": {"description": "OpenAPI 3.1"}}}
            },
            "/privacy/reads": {
                "get": {
                    "summary": "Reads of complaint personal data (the case's personal data, "
                               "its files), newest first: who, when, which case, what. Director "
                               "only; each call is itself audited",
                    "parameters": [
                        {"name": "instance_id", "in": "query", "schema": {"type": "integer"},
                         "description": "the case number"},
                        {"name": "date_from", "in": "query",
                         "schema": {"type": "string", "format": "date"},
                         "description": "first Bangkok date, inclusive (YYYY-MM-DD)"},
                        {"name": "date_to", "in": "query",
                         "schema": {"type": "string", "format": "date"},
                         "description": "last Bangkok date, inclusive (YYYY-MM-DD)"},
                        {"name": "username", "in": "query", "schema": {"type": "string"},
                         "description": "the reader's user name (exact, any case)"},
                        {"name": "limit", "in": "query",
                         "schema": {"type": "integer", "minimum": 1, "maximum": 200,
                                    "default": 50}},
                        {"name": "offset", "in": "query",
                         "schema": {"type": "integer", "minimum": 0, "default": 0}},
                    ],
                    "responses": {
                        "200": _ok({"type": "object", "properties": {
                            "reads": {"type": "array", "items": _ref("PersonalDataRead")},
                            "total": {"type": "integer"},
                            "limit": {"type": "integer"},
                            "offset": {"type": "integer"}}}),
                        "400": _ERRORS["400"], "401": _ERRORS["401"],
                        "403": _error("only the Director may see this log"),
                    },
                }
            },
        },
    }
