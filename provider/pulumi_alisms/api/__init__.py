"""The client side: an httpx client for Alibaba Cloud's RPC protocol, one module per API family."""
