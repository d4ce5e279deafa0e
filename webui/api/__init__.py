"""The JSON API under /api/v1 (blueprint ``api``, routes.py) and its OpenAPI document
(openapi.py serving openapi.json): the contract other systems call."""
