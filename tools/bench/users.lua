-- bench_server.py, workload "users": GET /users/{id} with a different id on every
-- request, so no cache keyed on the path can help the router.
local counter = 0

request = function()
  counter = counter + 1
  return wrk.format("GET", "/users/" .. counter)
end
