"""The client's IP address, the same for the audit log and the login lockout.

X-Forwarded-For is written by whoever sends the request, so it is believed only as far as our
own proxies go: with TRUSTED_PROXY_COUNT = N (the number of reverse proxies in front of the
application, each appending the address it received from) the client is the Nth address from
the right. With no proxies configured the header is ignored and REMOTE_ADDR is used.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies > 0 and forwarded:
        hops = [hop for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            address = _valid(hops[-proxies])
            if address:
                return address
    return _valid(request.META.get("REMOTE_ADDR", ""))
