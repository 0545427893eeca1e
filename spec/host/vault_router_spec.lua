local root = debug.getinfo(1, "S").source:sub(2):match("^(.*)/spec/host/") or "."
package.path = root .. "/host/lua/?.lua;" .. root .. "/host/lua/?/init.lua;" .. package.path

local vault = require "kong_host.vault"
local router = require "kong_host.router"

describe("env vault", function()
  local env = { AWS_MASKER_SECRET = "abc", MY_VAR = "x", JSONV = '{"k":"v"}' }
  local getenv = function(n) return env[n] end
  it("upper-cases and maps - to _ like Kong", function()
    assert.same("x", vault.resolve("{vault://env/my-var}", getenv))
    assert.same("abc", vault.resolve("{vault://env/aws_masker_secret}", getenv))
  end)
  it("reads a key of a JSON value", function()
    assert.same("v", vault.resolve("{vault://env/jsonv/k}", getenv))
  end)
  it("fails on missing variables and unknown vaults", function()
    local v, err = vault.resolve("{vault://env/missing}", getenv)
    assert.is_nil(v)
    assert.truthy(err:find("MISSING", 1, true))
    assert.is_nil((vault.resolve("{vault://aws/x}", getenv)))
  end)
  it("recognizes references", function()
    assert.is_true(vault.is_reference("{vault://env/x}"))
    assert.is_false(vault.is_reference("vault://env/x"))
    assert.same({ "A_B" }, vault.env_names({ "{vault://env/a-b}", "plain" }))
  end)
end)

describe("router", function()
  local routes = {
    { id = "1", name = "messages", paths = { "/v1/" }, strip_path = false },
    { id = "2", name = "root", paths = { "/" } },
    { id = "3", name = "v1", paths = { "/v1" } },
    { id = "4", name = "post-only", paths = { "/v1/" }, methods = { "POST" } },
    { id = "5", name = "regex", paths = { "~/items/\\d+$" } },
  }
  -- tiny stand-in for ngx.re.match: only what the regex route above needs
  local r = router.new(routes, { re_match = function(s, re)
    local m = s:match("^/items/%d+$")
    return m and { [0] = m } or nil
  end })
  local function name(method, path) local rt = r:match(method, path) return rt and rt.name end

  it("matches plain paths as prefixes, longest first", function()
    assert.same("messages", name("GET", "/v1/messages"))
    assert.same("v1", name("GET", "/v1beta"))
    assert.same("root", name("HEAD", "/"))
    assert.same("root", name("GET", "/anything"))
  end)
  it("prefers routes that also match methods", function()
    assert.same("post-only", name("POST", "/v1/messages"))
  end)
  it("tries regex paths before prefix paths", function()
    assert.same("regex", name("GET", "/items/42"))
    assert.same("root", name("GET", "/items/x"))
  end)
  it("returns nil when nothing matches", function()
    local r2 = router.new({ { id = "a", paths = { "/v1/" } } })
    assert.is_nil(r2:match("GET", "/v2"))
  end)
  it("strips the matched prefix by default and joins the service path (v0)", function()
    local up = router.upstream_path
    assert.same("/messages", up({ strip_path = true }, "/", "/v1/messages", "/v1"))
    assert.same("/v1/messages", up({ strip_path = false }, "/", "/v1/messages", "/v1/"))
    assert.same("/base/messages", up({}, "/base", "/v1/messages", "/v1"))
    assert.same("/base/messages", up({}, "/base/", "/v1/messages", "/v1/"))
    assert.same("/base", up({}, "/base", "/v1", "/v1"))
    assert.same("/", up({}, "/", "/v1", "/v1"))
  end)
end)
