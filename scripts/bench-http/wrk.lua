-- The wrk script of `scripts/bench http` (run by scripts/bench-http/drive.py, not by hand):
--
--   wrk -t THREADS -c CONNECTIONS -d SECONDS -s scripts/bench-http/wrk.lua http://127.0.0.1:PORT -- MODE REFS THREADS
--
-- MODE transitions: POST /v1/cases/{ref}/transitions/{name}. Every case of REFS (one AVRR reference a line, all
--   freshly opened, so in `registered`) is driven along the path rsobench transitions drives through engine.advance:
--   start_counselling, submit, approve (by the approver: the four-eyes guard), arrange_travel, confirm_return, with
--   the same fields. A case's next step is sent only after its previous one answered: the response's body names the
--   case and its new state, which choose the step. A connection that finds no case waiting for its next step takes a
--   fresh one. No If-Match and no Idempotency-Key, as the library calls carry none.
-- MODE show: GET /v1/cases/{ref}, cycling through the cases of REFS, each case in flight at most once.
--
-- The tokens come from the environment: RSO_BENCH_CASEWORKER_TOKEN and RSO_BENCH_APPROVER_TOKEN (not in argv, where
-- ps would show them). REFS is split between the THREADS threads (every THREADS-th line).
--
-- Latencies are measured here, from request() (called when the request is written) to response(), and reported as
-- nearest-rank percentiles, as rsobench reports the library's. wrk's own percentiles are "corrected" for coordinated
-- omission (it adds a made-up sample for every multiple of the mean interval a slow request took), so they are not
-- comparable with the library's; they are reported beside ours as wrk_p50_ms and wrk_p99_ms.
--
-- done() prints one line on stdout: "rso-bench-result " and a JSON object.

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } rso_bench_timespec;
int clock_gettime(int clock, rso_bench_timespec *now);
]]
local timespec = ffi.new("rso_bench_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, timespec) -- CLOCK_MONOTONIC
  return tonumber(timespec.tv_sec) * 1000 + tonumber(timespec.tv_nsec) / 1e6
end

-- setup() and done() run in wrk's main Lua state, which sees the threads; request() and response() in each thread's.
local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
  thread:set("thread_index", #threads - 1)
end

-- Per thread: what happened, fetched by done() with thread:get.
ok, failed, unmatched, starved = 0, 0, 0, 0
statuses = {}
latencies = {}

local mode
local fresh, fresh_next = {}, 0 -- transitions: cases not yet driven
local ready = {}                -- transitions: {reference, state} of cases waiting for their next step
local queue, head, tail = {}, 1, 0 -- show: cases not in flight, first in first out
local sent = {}                 -- reference -> when its request was written
local steps                     -- transitions: state -> {path suffix, headers, body}
local show_headers              -- show: the request's headers

local function bearer(variable)
  local token = os.getenv(variable)
  if not token or token == "" then error(variable .. " is not set") end
  return "Bearer " .. token
end

function init(args)
  mode = args[1]
  local path, count = args[2], tonumber(args[3]) or 1
  local index = thread_index or 0
  if mode ~= "transitions" and mode ~= "show" then error("mode must be transitions or show, not " .. tostring(mode)) end
  local refs, n = {}, 0
  for line in io.lines(path) do
    if line ~= "" then
      if n % count == index then refs[#refs + 1] = line end
      n = n + 1
    end
  end
  local caseworker = bearer("RSO_BENCH_CASEWORKER_TOKEN")
  if mode == "transitions" then
    fresh = refs
    local approver = bearer("RSO_BENCH_APPROVER_TOKEN")
    local today = os.date("!%Y-%m-%d") -- as the library's path: today in UTC
    local function step(name, token, body)
      -- No body is sent as an empty one (Content-Length: 0), as docs/api.md allows.
      local headers = { ["Authorization"] = token, ["Accept"] = "application/json" }
      if body ~= "" then headers["Content-Type"] = "application/json" end
      return { "/transitions/" .. name, headers, body }
    end
    steps = {
      registered = step("start_counselling", caseworker, ""),
      counselling = step("submit", caseworker, string.format(
        '{"fields":{"consent_signed_on":"%s","destination_country":"MMR","travel_document":"valid"}}', today)),
      awaiting_approval = step("approve", approver, ""),
      approved = step("arrange_travel", caseworker, string.format(
        '{"fields":{"departure_date":"%s","exit_clearance":"granted"}}', today)),
      travel_arranged = step("confirm_return", caseworker, string.format('{"fields":{"arrival_date":"%s"}}', today)),
      -- returned: the end of the path
    }
  else
    queue, head, tail = refs, 1, #refs
    show_headers = { ["Authorization"] = caseworker, ["Accept"] = "application/json" }
  end
end

-- Nothing left to send: stop this thread, and send something harmless meanwhile (request() must return one).
local function starve()
  starved = 1
  wrk.thread:stop()
  return wrk.format("GET", "/health/live", { ["Accept"] = "application/json" })
end

function request()
  local reference, state
  if mode == "transitions" then
    local item = table.remove(ready)
    if item then
      reference, state = item[1], item[2]
    else
      fresh_next = fresh_next + 1
      reference, state = fresh[fresh_next], "registered"
      if not reference then return starve() end
    end
    local step = steps[state]
    sent[reference] = now_ms()
    return wrk.format("POST", "/v1/cases/" .. reference .. step[1], step[2], step[3])
  else
    if head > tail then return starve() end
    reference = queue[head]
    queue[head] = nil
    head = head + 1
    sent[reference] = now_ms()
    return wrk.format("GET", "/v1/cases/" .. reference, show_headers)
  end
end

function response(status, headers, body)
  local now = now_ms()
  statuses[status] = (statuses[status] or 0) + 1
  -- A case answers with its "reference"; a refusal (a problem) names the case in its sentence, if at all.
  local reference = body and (body:match('"reference":"([^"]+)"') or body:match("(AVRR%-%d+%-%d+)"))
  local began = reference and sent[reference]
  if began then
    latencies[#latencies + 1] = now - began
    sent[reference] = nil
  end
  if status >= 200 and status < 300 then
    ok = ok + 1
    if not began then
      unmatched = unmatched + 1 -- a case this thread did not ask for: a defect here or in the server
      return
    end
    if mode == "transitions" then
      local state = body:match('"state":"([^"]+)"')
      if steps[state] then ready[#ready + 1] = { reference, state } end
    else
      tail = tail + 1
      queue[tail] = reference
    end
  else
    -- A refused case is not driven further (its state is not known here); the refusal is counted, and its latency
    -- too when the problem names the case.
    failed = failed + 1
  end
end

local function percentile(sorted, fraction)
  if #sorted == 0 then return nil end
  local rank = math.ceil(fraction * #sorted)
  return sorted[math.max(1, math.min(rank, #sorted))]
end

local function json_number(value)
  if value == nil or value ~= value then return "null" end
  return string.format("%.3f", value)
end

function done(summary, latency, requests)
  local all = {}
  local totals = { ok = 0, failed = 0, unmatched = 0, starved = 0 }
  local codes = {}
  for _, thread in ipairs(threads) do
    for name in pairs(totals) do totals[name] = totals[name] + (thread:get(name) or 0) end
    for code, count in pairs(thread:get("statuses") or {}) do codes[code] = (codes[code] or 0) + count end
    for _, value in ipairs(thread:get("latencies") or {}) do all[#all + 1] = value end
  end
  table.sort(all)
  local sum = 0
  for _, value in ipairs(all) do sum = sum + value end
  local status_parts = {}
  for code, count in pairs(codes) do status_parts[#status_parts + 1] = string.format('"%d":%d', code, count) end
  table.sort(status_parts)
  local e = summary.errors
  io.write("rso-bench-result ", string.format(
    '{"requests":%d,"duration_s":%.6f,"ok":%d,"failed":%d,"unmatched":%d,"starved":%d,"statuses":{%s},'
    .. '"latencies":%d,"p50_ms":%s,"p99_ms":%s,"mean_ms":%s,"max_ms":%s,"wrk_p50_ms":%s,"wrk_p99_ms":%s,'
    .. '"socket_errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d},"wrk_status_errors":%d}\n',
    summary.requests, summary.duration / 1e6, totals.ok, totals.failed, totals.unmatched, totals.starved,
    table.concat(status_parts, ","), #all, json_number(percentile(all, 0.5)), json_number(percentile(all, 0.99)),
    json_number(#all > 0 and sum / #all or nil), json_number(all[#all]),
    json_number(latency:percentile(50) / 1000), json_number(latency:percentile(99) / 1000),
    e.connect, e.read, e.write, e.timeout, e.status))
end
