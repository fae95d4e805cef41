-- Confirming POSTs: one pre-generated token per request, read from BENCH_TOKENS (thread i takes
-- every n-th line). The form's CSRF pair is a fixed secret sent as cookie and field.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

local nthreads = tonumber(os.getenv("BENCH_THREADS") or "1")
local csrf = os.getenv("BENCH_CSRF")
local origin = os.getenv("BENCH_ORIGIN")
local tokens = {}
local next_token = 1
reused = 0

function init(args)
  local i = 0
  for line in io.lines(os.getenv("BENCH_TOKENS")) do
    if i % nthreads == (tid or 1) - 1 then table.insert(tokens, line) end
    i = i + 1
  end
end

function request()
  sent = sent + 1
  if next_token > #tokens then
    next_token = 1
    reused = reused + 1
  end
  local token = tokens[next_token]
  next_token = next_token + 1
  local headers = {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "csrftoken=" .. csrf,
    ["Origin"] = origin,
    ["X-Forwarded-For"] = "10.200." .. (tid or 0) .. "." .. sent % 250,
  }
  return wrk.format("POST", "/confirm/" .. token .. "/", headers, "csrfmiddlewaretoken=" .. csrf)
end
