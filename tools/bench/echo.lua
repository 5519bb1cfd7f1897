-- bench_server.py, workload "echo": POST /echo with a 1 KiB body (the server answers it).
wrk.method = "POST"
wrk.body = string.rep("0123456789abcdef", 64)
wrk.headers["Content-Type"] = "application/octet-stream"
