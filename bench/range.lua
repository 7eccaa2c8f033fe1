-- wrk: GET /range/{random 5 hex} with Add-Padding, as HIBP clients that pad ask.
math.randomseed(20261202)
request = function()
  return wrk.format("GET", string.format("/range/%05X", math.random(0, 0xFFFFF)),
                    { ["Add-Padding"] = "true" })
end
