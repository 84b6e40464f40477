"""Where each API product lives: one endpoint table per product and region, as the official SDKs resolve them.

Dysmsapi (2017-05-25 and 2018-05-01) has a per-region map and falls back to the central host; Dysms 2017-06-20
has no map and resolves to its central host in every region. ``tests/test_config.py`` holds this table against
the SDKs' own resolution.
"""

from typing import Final

DYSMSAPI_2017 = ("Dysmsapi", "2017-05-25")
DYSMSAPI_2018 = ("Dysmsapi", "2018-05-01")
DYSMS_2017 = ("Dysms", "2017-06-20")
PRODUCTS: Final = (DYSMSAPI_2017, DYSMSAPI_2018, DYSMS_2017)
"""Every API product version this project calls, as (product, version)."""
PRODUCT_OF_VERSION: Final = {version: (product, version) for product, version in PRODUCTS}

_DYSMSAPI_REGIONS: Final = {
    "ap-southeast-1": "dysmsapi.ap-southeast-1.aliyuncs.com",
    "ap-southeast-5": "dysmsapi.ap-southeast-5.aliyuncs.com",
    "cn-beijing": "dysmsapi-proxy.cn-beijing.aliyuncs.com",
    "cn-hongkong": "dysmsapi-xman.cn-hongkong.aliyuncs.com",
    "eu-central-1": "dysmsapi.eu-central-1.aliyuncs.com",
    "us-east-1": "dysmsapi.us-east-1.aliyuncs.com",
}
_HOSTS: Final = {
    "Dysmsapi": (_DYSMSAPI_REGIONS, "dysmsapi.aliyuncs.com"),
    "Dysms": ({}, "dysms.aliyuncs.com"),
}


def product_key(version: str) -> str:
    """``Product/Version`` of an API version (``Dysms/2017-06-20``)."""
    product, _ = PRODUCT_OF_VERSION[version]
    return f"{product}/{version}"


def alibaba_url(version: str, region_id: str) -> str:
    """The HTTPS URL the official SDK of ``version`` calls in ``region_id``."""
    product, _ = PRODUCT_OF_VERSION[version]
    regions, central = _HOSTS[product]
    return f"https://{regions.get(region_id, central)}"
