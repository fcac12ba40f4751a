"""Response headers every page gets."""

from django.conf import settings

# No inline scripts and nothing from other origins. Inline styles are allowed: the pages set the
# agency's brand colour in a <style> element. No form-action: the "Connect" forms redirect to
# the platform's own consent page, which form-action would block.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "img-src 'self' data:",
        "style-src 'self' 'unsafe-inline'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    )
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if settings.SITE_URL.startswith("https://"):
            response.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response
