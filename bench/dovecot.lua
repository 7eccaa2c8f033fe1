-- wrk script (LuaJIT, Lua 5.1): Dovecot-shaped auth policy traffic. Each simulated login is an "allow" followed
-- by a "report", as Dovecot sends them, over many logins and client addresses, one in ten a
-- failure. Bodies are built per request so the server does real work.
local counter = 0
-- The policy key (as Dovecot sends auth_policy_server_api_header), from the environment.
local headers = {["Content-Type"] = "application/json", ["X-API-Key"] = os.getenv("POLICY_KEY") or ""}

request = function()
  counter = counter + 1
  local user = counter % 50000
  local ip = string.format("10.%d.%d.%d", math.floor(user / 65536) % 256, math.floor(user / 256) % 256, user % 256)
  local login = string.format("user%d@example.com", user)
  local pwhash = string.format("%04x", (user * 2654435761) % 65536)
  if counter % 2 == 1 then
    local body = string.format(
      '{"device_id":"","login":"%s","protocol":"imap","pwhash":"%s","remote":"%s","session_id":"s%d","tls":false}',
      login, pwhash, ip, counter)
    return wrk.format("POST", "/?command=allow", headers, body)
  end
  local success = (counter % 20 ~= 0) and "true" or "false"
  local body = string.format(
    '{"device_id":"","login":"%s","policy_reject":false,"protocol":"imap","pwhash":"%s","remote":"%s","session_id":"s%d","success":%s,"tls":false}',
    login, pwhash, ip, counter, success)
  return wrk.format("POST", "/?command=report", headers, body)
end
