-- wrk script: PATCH /v1/admin/settings with a JSON body and the secret key from BENCH_SK.
-- Usage: BENCH_SK=sk_... wrk -s bench/patch-settings.lua http://127.0.0.1:PORT/v1/admin/settings
local sk = os.getenv("BENCH_SK")
if sk == nil or sk == "" then
  error("BENCH_SK is not set")
end
wrk.method = "PATCH"
wrk.body = '{"supportEmail":"x@example.com"}'
wrk.headers["content-type"] = "application/json"
wrk.headers["authorization"] = "Bearer " .. sk
