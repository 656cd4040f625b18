-- lwipsim.lua - Wireshark dissector for lwipsim's stack events.
--
-- `lwipsim run S --pcap F --pcap-events all` gives the capture a second
-- interface, "lwipsim events", of link type LINKTYPE_USER0 (147, in
-- Wireshark WTAP_ENCAP_USER0).  Each of its packets is one trace record of
-- the run at its virtual time:
--   8 bytes   trace sequence number, little-endian (the JSONL trace's seq)
--   kind      UTF-8, ending with a NUL byte ("pool", "irq", "switch", ...)
--   thread    UTF-8 + NUL (the sim thread, "isr:NAME" in an interrupt)
--   detail    UTF-8 + NUL (the record's text)
-- The detail of the common kinds is parsed into fields of their own, so
-- that e.g. lwipsim.pool.used can be graphed and
--   lwipsim.kind == "irq" || tcp.flags.reset == 1
-- filters events and frames together.  The verdict record's name and the
-- expected one are in its packet comment ("verdict: X expected: Y").
--
-- Install: `make install-wireshark` (docs/wireshark.md), or for one run:
--   tshark -X lua_script:tools/wireshark/lwipsim.lua -r F

local p = Proto("lwipsim", "lwipsim stack event")

local F = {
  seq = ProtoField.uint64("lwipsim.seq", "Trace sequence number"),
  kind = ProtoField.string("lwipsim.kind", "Kind"),
  thread = ProtoField.string("lwipsim.thread", "Thread"),
  detail = ProtoField.string("lwipsim.detail", "Detail"),
  pool_name = ProtoField.string("lwipsim.pool.name", "Pool"),
  pool_used = ProtoField.uint32("lwipsim.pool.used", "Used"),
  pool_max = ProtoField.uint32("lwipsim.pool.max", "Most used so far"),
  pool_err = ProtoField.uint32("lwipsim.pool.err", "Allocation errors"),
  pool_size = ProtoField.uint32("lwipsim.pool.size", "Size"),
  irq_name = ProtoField.string("lwipsim.irq.name", "IRQ"),
  new_thread = ProtoField.string("lwipsim.thread.new", "New thread"),
  prio = ProtoField.int32("lwipsim.thread.prio", "Thread priority"),
  switch_to = ProtoField.string("lwipsim.switch.to", "Switched to"),
  switch_why = ProtoField.string("lwipsim.switch.why", "Because"),
  wake = ProtoField.string("lwipsim.wake", "Woken thread"),
  block = ProtoField.string("lwipsim.block", "Blocks on"),
  point_name = ProtoField.string("lwipsim.point.name", "Point"),
  fail = ProtoField.string("lwipsim.fail", "Injected failure"),
  end_msg = ProtoField.string("lwipsim.end", "Run ended"),
  assert_msg = ProtoField.string("lwipsim.assert", "lwIP assertion"),
  verdict = ProtoField.string("lwipsim.verdict", "Verdict"),
  expected = ProtoField.string("lwipsim.verdict.expected", "Expected"),
  message = ProtoField.string("lwipsim.verdict.message", "Oracle"),
  counter_name = ProtoField.string("lwipsim.counter.name", "Counter"),
  counter_value = ProtoField.int64("lwipsim.counter.value", "Value"),
}
p.fields = F

local comment_f = Field.new("frame.comment")

-- The NUL-terminated string at off: its text and the offset after it.
local function stringz(tvb, off)
  local len = tvb:len()
  local i = off
  while i < len and tvb(i, 1):uint() ~= 0 do
    i = i + 1
  end
  if i >= len then
    return nil
  end
  local n = i - off
  local text = n > 0 and tvb(off, n):string(ENC_UTF_8) or ""
  return text, n, i + 1
end

-- Per kind: add the parsed values of `detail` (its tvb range `r`).
local parse = {}

function parse.pool(t, d, r)
  local name, used, max, err, size =
    d:match("^(%S+) used=(%d+) max=(%d+) err=(%d+) size=(%d+)")
  if not name then return end
  t:add(F.pool_name, r, name)
  t:add(F.pool_used, r, tonumber(used))
  t:add(F.pool_max, r, tonumber(max))
  t:add(F.pool_err, r, tonumber(err))
  t:add(F.pool_size, r, tonumber(size))
  return name .. " " .. used .. "/" .. size
end

function parse.irq(t, d, r)
  t:add(F.irq_name, r, d)
end

function parse.thread_new(t, d, r)
  local name, prio = d:match("^(%S+) prio (%-?%d+)")
  if not name then return end
  t:add(F.new_thread, r, name)
  t:add(F.prio, r, tonumber(prio))
end

function parse.switch(t, d, r)
  local to, why = d:match("^(%S+) %((.*)%)$")
  if not to then return end
  t:add(F.switch_to, r, to)
  t:add(F.switch_why, r, why)
end

function parse.wake(t, d, r)
  t:add(F.wake, r, d)
end

function parse.block(t, d, r)
  t:add(F.block, r, d)
end

function parse.point(t, d, r)
  t:add(F.point_name, r, d)
end

function parse.fail(t, d, r)
  t:add(F.fail, r, d)
end

function parse.counter(t, d, r)
  local name, v = d:match("^(%S+)=(%-?%d+)$")
  if not name then return end
  t:add(F.counter_name, r, name)
  t:add(F.counter_value, r, Int64(v))
end

function parse.inherit(t, d, r)
  local name, prio = d:match("^(%S+) prio %-?%d+ %-> (%-?%d+)")
  if not name then return end
  t:add(F.prio, r, tonumber(prio))
end
parse.disinherit = parse.inherit

parse["end"] = function(t, d, r)
  t:add(F.end_msg, r, d)
  local a = d:match("^lwip assert: (.*)")
  if a then
    t:add(F.assert_msg, r, a)
    return "ASSERT " .. a
  end
end

function parse.verdict(t, d, r)
  t:add(F.message, r, d)
  local c = comment_f()
  local v, e = nil, nil
  if c then
    v, e = tostring(c.value):match("^verdict: (%S+) expected: (%S+)")
  end
  if v then
    t:add(F.verdict, r, v)
    t:add(F.expected, r, e)
    return v .. " (expected " .. e .. "): " .. d
  end
end

function p.dissector(tvb, pinfo, tree)
  if tvb:len() < 11 then
    return 0
  end
  pinfo.cols.protocol = "lwipsim"
  local t = tree:add(p, tvb(), "lwipsim stack event")
  t:add_le(F.seq, tvb(0, 8))
  local kind, kn, off = stringz(tvb, 8)
  if not kind then return 0 end
  t:add(F.kind, tvb(8, kn > 0 and kn or 1), kind)
  local thread, tn, off2 = stringz(tvb, off)
  if not thread then return 0 end
  t:add(F.thread, tvb(off, tn > 0 and tn or 1), thread)
  local detail, dn = stringz(tvb, off2)
  if not detail then return 0 end
  local r = tvb(off2, dn > 0 and dn or 1)
  t:add(F.detail, r, detail)
  local summary = parse[kind] and parse[kind](t, detail, r)
  pinfo.cols.info = kind .. " [" .. thread .. "] " .. (summary or detail)
  t:append_text(": " .. kind .. " [" .. thread .. "] " .. detail)
  return tvb:len()
end

DissectorTable.get("wtap_encap"):add(wtap_encaps.USER0, p)
