-- Writes a chunk of audit events atomically. Each valid event goes to the main stream with an
-- ID chosen by Redis, then under that same ID to its per-user and per-action streams; an
-- invalid record goes to the dead-letter stream only.
--
-- KEYS[1] main stream, KEYS[2] dead-letter stream, KEYS[3..] the per-user and per-action
-- streams this chunk touches (declared so that ACLs and Redis Cluster see every key).
-- ARGV[1..4] caps (MAXLEN ~) of main, per-user, per-action, dead-letter; "0" means no cap.
-- Then per event: kind ("e" event, "d" dead letter), user key index, action key index
-- (indexes into KEYS, 0 for none), field count n, then n field/value pairs.
-- Returns the entry ID of each event, in order.

-- Check every key first: a script is not rolled back, so a wrong type found half-way would
-- leave the chunk partly written.
for i = 1, #KEYS do
  local t = redis.call('TYPE', KEYS[i])['ok']
  if t ~= 'none' and t ~= 'stream' then
    return redis.error_reply('WRONGTYPE audit key ' .. KEYS[i] .. ' holds a ' .. t ..
      ', not a stream')
  end
end

local caps = {ARGV[1], ARGV[2], ARGV[3], ARGV[4]}

local function xadd(key, cap, id, first, last)
  local args = {'XADD', key}
  if cap ~= '0' then
    args[3] = 'MAXLEN'; args[4] = '~'; args[5] = cap
  end
  args[#args + 1] = id
  for j = first, last do
    args[#args + 1] = ARGV[j]
  end
  return redis.call(unpack(args))
end

local ids = {}
local i = 5
while i <= #ARGV do
  local kind, user, action = ARGV[i], tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2])
  local first = i + 4
  local last = first + 2 * tonumber(ARGV[i + 3]) - 1
  local id
  if kind == 'd' then
    id = xadd(KEYS[2], caps[4], '*', first, last)
  else
    -- Every entry of the per-user and per-action streams is written here right after the main
    -- one, so this ID is always above their last ID and can be reused there.
    id = xadd(KEYS[1], caps[1], '*', first, last)
    if user > 0 then xadd(KEYS[user], caps[2], id, first, last) end
    if action > 0 then xadd(KEYS[action], caps[3], id, first, last) end
  end
  ids[#ids + 1] = id
  i = last + 1
end
return ids
