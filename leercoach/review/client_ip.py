"""The address a login attempt is counted on (django-axes: AXES_CLIENT_IP_CALLABLE).

Behind the TLS proxy every request comes from the proxy's address. Only when that address is
one of LEERCOACH_REVIEW_TRUSTED_PROXIES is X-Forwarded-For read, right to left, to the first
address that is not a trusted proxy: the hops a client wrote itself lie to the left of what the
proxies added, so they are never reached while a trusted proxy stands in between.
"""

from __future__ import annotations

import ipaddress
from typing import Optional

from django.conf import settings


def _address(text: str) -> Optional[ipaddress._BaseAddress]:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address: ipaddress._BaseAddress) -> bool:
    return any(address in network for network in settings.REVIEW_TRUSTED_PROXIES)


def client_ip(request) -> str:
    remote = _address(request.META.get("REMOTE_ADDR", ""))
    if remote is None:
        return request.META.get("REMOTE_ADDR", "")
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    client = remote
    while _trusted(client) and hops:
        forwarded = _address(hops.pop())
        if forwarded is None:  # a garbled header: count on the proxy, never on made-up text
            break
        client = forwarded
    return str(client)
