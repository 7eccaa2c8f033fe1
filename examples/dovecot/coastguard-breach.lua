-- Coastguard breach check for Dovecot 2.3.19 and later (Debian 12: apt install dovecot-auth-lua).
--
-- After Dovecot's own passdb has accepted a password, this sends the password's SHA-1 (never
-- the password) with the user name to coastguard over loopback. Coastguard looks it up in the
-- breach corpus, marks the account if it is there, and tells the user; with
-- `[breach] on_login = "refuse"` it answers 403 and this script refuses the login.
-- Each worker asks at most once per account and password per day.
--
-- dovecot.conf (see docs/breach.md):
--   passdb {
--     driver = passwd-file            # or sql, ldap...: the real password check
--     args = ...
--     result_success = continue-ok
--     result_failure = return-fail
--   }
--   passdb {
--     driver = lua
--     args = file=/etc/dovecot/coastguard-breach.lua blocking=yes
--     skip = unauthenticated
--     result_success = return-ok
--     result_failure = return-fail
--     result_internalfail = continue  # coastguard unreachable: the login goes on
--   }

-- Where coastguard listens, and the key it wants (`coastguard config dovecot` prints both).
local COASTGUARD_URL = "http://127.0.0.1:8084/v1/passwords/report"
local POLICY_KEY_FILE = "/var/lib/coastguard/policy_key"
local RECHECK_SECONDS = 86400
local MAX_REMEMBERED = 10000

local client
local api_key
local checked = {}  -- user and password hash -> { at = time, refuse = bool }
local remembered = 0

local function read_key()
  local file = io.open(POLICY_KEY_FILE, "r")
  if file == nil then return nil end
  local key = file:read("l")
  file:close()
  return key
end

local function json_string(text)
  local escaped = text:gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end)
  return '"' .. escaped .. '"'
end

function script_init()
  client = dovecot.http.client({
    request_timeout_msecs = 2000,
    connect_timeout_msecs = 1000,
    max_attempts = 1,
    user_agent = "dovecot-coastguard-breach",
  })
  api_key = read_key()
  return 0
end

function auth_password_verify(req, password)
  local ok = dovecot.auth.PASSDB_RESULT_OK
  -- Only after the real passdb accepted the password (skip = unauthenticated): never a
  -- password check of its own.
  if not req.skip_password_check then return dovecot.auth.PASSDB_RESULT_PASSWORD_MISMATCH, "" end
  local sha1 = req:var_expand("%{sha1:password}")
  local key = req.user .. " " .. sha1
  local now = os.time()
  local seen = checked[key]
  if seen ~= nil and now - seen.at < RECHECK_SECONDS then
    if seen.refuse then return dovecot.auth.PASSDB_RESULT_USER_DISABLED, "" end
    return ok, ""
  end
  if api_key == nil then api_key = read_key() end
  local request = client:request({ url = COASTGUARD_URL, method = "POST" })
  request:add_header("Content-Type", "application/json")
  if api_key ~= nil then request:add_header("X-API-Key", api_key) end
  request:set_payload("{\"login\":" .. json_string(req.user) ..
                      ",\"sha1\":\"" .. sha1 ..
                      "\",\"ip\":" .. json_string(req.remote_ip or "") ..
                      ",\"service\":" .. json_string(req.service or "") .. "}")
  local status = request:submit():status()
  if status ~= 200 and status ~= 403 then
    req:log_warning("coastguard breach check failed (status " .. status .. "); login goes on")
    return ok, ""
  end
  if remembered >= MAX_REMEMBERED then
    checked = {}
    remembered = 0
  end
  checked[key] = { at = now, refuse = status == 403 }
  remembered = remembered + 1
  if status == 403 then
    req:log_info("coastguard: the password is in a breach corpus; login refused")
    return dovecot.auth.PASSDB_RESULT_USER_DISABLED, ""
  end
  return ok, ""
end

-- Lookups that carry no password (other mechanisms, doveadm): nothing to check.
function auth_passdb_lookup(req)
  if req.skip_password_check then return dovecot.auth.PASSDB_RESULT_OK, "" end
  return dovecot.auth.PASSDB_RESULT_USER_UNKNOWN, ""
end
