-- Reading fixture files (whole, as bytes) for the Lua specs and benchmarks; run from the project root.
return function(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("*a")
  f:close()
  return s
end
