"""docpipe's ASGI application (Starlette on uvicorn): the storage webhooks now, the operators'
dashboard next, on one server. ``create_web_app`` assembles the routes; ``WebServer`` runs them."""
