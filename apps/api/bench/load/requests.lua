-- wrk script of `bun run bench:api`: every server gets the same requests.
--   BENCH_CASE=create  POST /api/v1/tasks with a task body (a new title each time)
--   BENCH_CASE=search  GET BENCH_PATH
-- BENCH_TOKEN is the bearer token. done() prints one JSON line the harness parses; wrk counts
-- every status >= 400 as an error.
local case = os.getenv("BENCH_CASE") or "create"
local token = os.getenv("BENCH_TOKEN") or ""
local path = os.getenv("BENCH_PATH") or "/api/v1/tasks"
local headers = { ["authorization"] = "Bearer " .. token, ["content-type"] = "application/json" }
local n = 0

function request()
  if case == "search" then
    return wrk.format("GET", path, headers)
  end
  n = n + 1
  local body = '{"title":"task ' .. n .. ' quarterly numbers","priority":"medium","tags":["work"],'
    .. '"due_at":"2030-01-01T09:00:00+01:00","reminders":[60]}'
  return wrk.format("POST", path, headers, body)
end

function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout + summary.errors.status
  io.write(string.format(
    '{"requests":%d,"seconds":%.6f,"errors":%d,"p50":%.3f,"p90":%.3f,"p99":%.3f,"max":%.3f}\n',
    summary.requests, summary.duration / 1e6, errors,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000))
end
