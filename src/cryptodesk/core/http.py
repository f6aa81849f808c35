"""JSON responses for API endpoints whose payload is built by our own serializers.

django-ninja validates returned data against the response schema with pydantic; for list
endpoints that costs more than the query. Our serializers already produce the documented
shape (the schemas stay for OpenAPI and the tests check the shape), so they are rendered
directly with ninja's JSON encoder.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse
from ninja.responses import NinjaJSONEncoder


def json_response(data: Any, *, status: int = 200) -> HttpResponse:
    return HttpResponse(
        json.dumps(data, cls=NinjaJSONEncoder, ensure_ascii=False),
        status=status,
        content_type="application/json; charset=utf-8",
    )
