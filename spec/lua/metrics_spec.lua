-- The metrics text (plugin/metrics.lua) from a stand-in shared dict: label values escaped as Prometheus wants,
-- every family with HELP and TYPE, counter names valid whatever keys the dict holds, the version from version.lua.
package.path = "build/?.lua;" .. package.path

local SEP = "\031"

local function with_dict(values)
  local dict = {
    get = function(_, k) return values[k] end,
    get_keys = function(_, max)
      assert(max == 0, "all keys")
      local keys = {}
      for k in pairs(values) do keys[#keys + 1] = k end
      return keys
    end,
  }
  _G.ngx = { shared = { kong_aws_masker = dict } }
  for _, m in ipairs({ "metrics", "stats", "observe" }) do package.loaded["kong.plugins.aws-masker.plugin." .. m] = nil end
  return require("kong.plugins.aws-masker.plugin.metrics").metricsText()
end

describe("metrics text", function()
  it("escapes backslash, quote and newline in label values", function()
    local text = with_dict({ ["identifiers_total" .. SEP .. 'we\\ird"kind\nx'] = 2 })
    assert.truthy(text:find('aws_masker_identifiers_by_kind_total{kind="we\\\\ird\\"kind\\nx"} 2\n', 1, true))
  end)

  it("splits two-label families and shows every decision even at zero", function()
    local text = with_dict({
      ["refusals_total" .. SEP .. "413" .. SEP .. "request body exceeds max_body_size"] = 3,
      ["requests_total" .. SEP .. "masked"] = 5,
    })
    assert.truthy(text:find('aws_masker_refusals_total{status="413",reason="request body exceeds max_body_size"} 3\n', 1, true))
    assert.truthy(text:find('aws_masker_requests_total{decision="masked"} 5\n', 1, true))
    for _, d in ipairs({ "passthrough", "refused", "error", "skipped" }) do
      assert.truthy(text:find('aws_masker_requests_total{decision="' .. d .. '"} 0\n', 1, true), d)
    end
  end)

  it("gives each metric one HELP and one TYPE before its samples; foreign keys become valid names, once", function()
    local text = with_dict({ redis_writes = 7, ["other-plugin:key"] = 1, ["requests"] = 9, ["a.b"] = 1, ["a-b"] = 2 })
    local version = require("kong.plugins.aws-masker.version").VERSION
    assert.truthy(text:find('aws_masker_info{version="' .. version .. '"} 1\n', 1, true))
    assert.truthy(text:find("aws_masker_redis_writes_total 7\n", 1, true))
    assert.truthy(text:find("aws_masker_other_plugin:key_total 1\n", 1, true))
    local help, typ = {}, {}
    for line in text:gmatch("[^\n]+") do
      local kind, name = line:match("^# (%u+) ([%w_:]+) ")
      if kind == "HELP" then
        assert.is_nil(help[name], "second HELP for " .. name)
        help[name] = true
      elseif kind == "TYPE" then
        assert.is_nil(typ[name], "second TYPE for " .. name)
        typ[name] = true
      else
        local metric = line:match("^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]")
        assert.truthy(metric, line)
        assert.truthy(help[metric] and typ[metric], "HELP and TYPE before " .. line)
      end
    end
    -- "requests" would be aws_masker_requests_total, the decisions family's name: left out, not written twice
    assert.is_nil(text:find("aws_masker_requests_total 9", 1, true))
    -- "a.b" and "a-b" both become aws_masker_a_b_total: one of them
    local _, n = text:gsub("\naws_masker_a_b_total ", "")
    assert.equal(1, n)
  end)
end)
