"""The HTTP server: the web page, a plain JSON API and an OpenAI-compatible chat API.

    app.py               one FastAPI app, error handling; the Gradio UI mounted at /
    api.py               /api/ask, /api/ask/stream (SSE), /api/motion, /api/health
    chat_completions.py  /v1/chat/completions (also streaming), /v1/models
    auth.py              the RECEPT_AUTH users for the APIs (Basic or Bearer user:password)
    schemas.py           request and response bodies (the OpenAPI schema)
    pool.py              the bounded pool: slower under load, not broken (503 past the bound)
    processes.py         the worker processes, each with its own Assistant
    run.py               uvicorn until Ctrl-C

Only the public API of the assistant is used (``from assistant import Assistant, …``).
"""
