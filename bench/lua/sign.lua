-- Signing POSTs with a unique email each (thread id + counter). Each request comes from its own
-- client address (X-Forwarded-For, trusted by the bench's CLIENT_IP_HEADER), as in a real surge.
--
-- Until BENCH_SWITCH_AFTER seconds it signs BENCH_PATH; after that BENCH_DRAIN_PATH (another
-- campaign, same work): wrk stops with requests in flight, so only the first campaign's signing
-- requests all have their answers counted, and the integrity check is exact on it.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

local path = os.getenv("BENCH_PATH")
local drain_path = os.getenv("BENCH_DRAIN_PATH") or path
local switch_after = tonumber(os.getenv("BENCH_SWITCH_AFTER") or "1e9")
local prefix = os.getenv("BENCH_EMAIL_PREFIX")
local origin = os.getenv("BENCH_ORIGIN")
local zip = os.getenv("BENCH_ZIP") or "77550"
local started

function init(args)
  started = os.time()
end

function request()
  sent = sent + 1
  local id = (tid or 0) .. "-" .. sent
  local target = path
  if os.time() - started >= switch_after then target = drain_path end
  local body = "name=Bench+Signer+" .. id .. "&email=" .. prefix .. id .. "%40example.org"
    .. "&zip_code=" .. zip .. "&visibility=counted&website="
  local headers = {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Origin"] = origin,
    ["X-Forwarded-For"] = "10." .. (tid or 0) .. "." .. math.floor(sent / 250) % 250 .. "." .. sent % 250,
  }
  return wrk.format("POST", target, headers, body)
end
