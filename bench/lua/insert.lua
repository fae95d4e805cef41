-- The raw-insert ceiling: the same POST as signing (size, headers), one row written with raw SQL.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

local prefix = os.getenv("BENCH_EMAIL_PREFIX") or "ceiling-"
local origin = os.getenv("BENCH_ORIGIN")

function request()
  sent = sent + 1
  local id = (tid or 0) .. "-" .. sent
  local body = "name=Bench+Signer+" .. id .. "&email=" .. prefix .. id .. "%40example.org"
    .. "&zip_code=77550&visibility=counted&website="
  local headers = {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Origin"] = origin,
    ["X-Forwarded-For"] = "10.100." .. (tid or 0) .. "." .. sent % 250,
  }
  return wrk.format("POST", "/bench/ceiling/insert/", headers, body)
end
