-- Shared by every scenario: counts responses by status (and 303/302 by Location), reports JSON.
-- Each thread counts in its own Lua state; done() (main state) adds the threads' counts up.
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

codes = {}
locations = {}
sent = 0

function response(status, headers, body)
  local key = tostring(status)
  codes[key] = (codes[key] or 0) + 1
  if status == 302 or status == 303 then
    local location = headers["Location"] or headers["location"] or ""
    location = string.gsub(location, "%?.*$", "")
    locations[location] = (locations[location] or 0) + 1
  end
end

local function json_table(t)
  local parts = {}
  for k, v in pairs(t) do
    table.insert(parts, string.format("%q:%d", k, v))
  end
  return "{" .. table.concat(parts, ",") .. "}"
end

function done(summary, latency, requests)
  local all_codes, all_locations, all_sent = {}, {}, 0
  for _, thread in ipairs(threads) do
    for k, v in pairs(thread:get("codes")) do all_codes[k] = (all_codes[k] or 0) + v end
    for k, v in pairs(thread:get("locations")) do
      all_locations[k] = (all_locations[k] or 0) + v
    end
    all_sent = all_sent + (thread:get("sent") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"mean_us":%.1f,'
      .. '"max_us":%d,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},'
      .. '"codes":%s,"locations":%s,"sent":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.mean, latency.max, e.connect, e.read, e.write, e.status, e.timeout,
    json_table(all_codes), json_table(all_locations), all_sent))
end
