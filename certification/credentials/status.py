"""
Bitstring Status Lists (W3C VC Bitstring Status List v1.0): one bit per credential at its
statusListIndex, the first index the left-most bit, GZIP-compressed and multibase
base64url ('u', no padding). 131,072 bits is the specification's minimum, so that the
list says nothing about how many certificates exist; it grows in whole steps of that size.
"""

import base64
import gzip
from collections.abc import Iterable

STATUS_LIST_MIN_BITS = 131_072


def status_list_bits(highest_index: int) -> int:
    steps = highest_index // STATUS_LIST_MIN_BITS + 1
    return steps * STATUS_LIST_MIN_BITS


def status_list_encode(indexes: Iterable[int], *, length: int = STATUS_LIST_MIN_BITS) -> str:
    bits = bytearray(length // 8)
    for index in indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    # mtime=0: the same bits give the same bytes (the list is cached and compared).
    packed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).decode().rstrip("=")


def status_list_bit(encoded: str, index: int) -> bool:
    if not encoded.startswith("u"):
        raise ValueError("encodedList is not multibase base64url")
    body = encoded[1:]
    bits = gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    return bool(bits[index // 8] & (0x80 >> (index % 8)))
