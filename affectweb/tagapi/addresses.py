"""Which addresses are public: the rule the `url` fetcher checks every address against.

`ipaddress`'s `is_global` is the base. It misses IPv6 addresses that lead to an IPv4
one — ::ffff:127.0.0.1 (IPv4-mapped, the dual stack connects to 127.0.0.1), NAT64
64:ff9b::7f00:1 (a translator forwards to it), 6to4 2002:7f00:1:: and Teredo (a relay
tunnels to it) — and the deprecated site-local fec0::/10, so those are checked here.
"""

from __future__ import annotations

import ipaddress

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# IPv6 networks whose last 32 bits are an IPv4 address a packet to them ends up at:
# IPv4-compatible (deprecated, still routed by some stacks) and NAT64 (RFC 6052), whose
# translator forwards to the IPv4 address. IPv4-mapped, 6to4 and Teredo have their own
# properties in `ipaddress`.
EMBEDS_LAST_32_BITS = (ipaddress.ip_network("::/96"), ipaddress.ip_network("64:ff9b::/96"))
# Not public although `is_global` says so on the Pythons we run on.
NOT_PUBLIC = (
    ipaddress.ip_network("fec0::/10"),  # site-local: deprecated, still private where used
    ipaddress.ip_network("64:ff9b:1::/48"),  # local-use NAT64 (RFC 8215): leads into the local network
)


def embedded_ipv4(address: IPAddress) -> tuple[ipaddress.IPv4Address, ...]:
    """The IPv4 addresses an IPv6 address leads to (none for a plain one)."""
    if address.version == 4:
        return ()
    if address.ipv4_mapped:
        return (address.ipv4_mapped,)
    if address.sixtofour:
        return (address.sixtofour,)
    if address.teredo:
        return address.teredo  # (server, client)
    if any(address in network for network in EMBEDS_LAST_32_BITS) and int(address) > 1:  # not :: or ::1
        return (ipaddress.IPv4Address(int(address) & 0xFFFFFFFF),)
    return ()


def is_public(address: IPAddress) -> bool:
    return (address.is_global and not address.is_multicast and not any(address in n for n in NOT_PUBLIC)
            and all(is_public(inner) for inner in embedded_ipv4(address)))
