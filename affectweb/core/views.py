from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from affectweb.core.health import check_health


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Public on purpose (load balancers probe it); reveals no data, only liveness."""
    health = check_health()
    return JsonResponse(health.as_json(), status=200 if health.ok else 503)
