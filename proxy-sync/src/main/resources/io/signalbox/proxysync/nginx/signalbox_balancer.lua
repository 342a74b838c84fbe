-- Signalbox's dynamic upstreams for Nginx with lua-nginx-module (Debian 12: 0.10.23, lua-resty-core 0.1.25).
-- The text of lists and pushes, and its checks, are in signalbox_lists.lua.
--
-- The sync agent POSTs server lists to the control location (loopback only, with a token); they go
-- into the shared dict `signalbox_upstreams`. Each worker keeps its own parsed copy and switches to the
-- new lists when the committed version (the zxid, "epoch:counter") changes; it checks on every balanced
-- request and from a short timer, and writes the version it runs under `worker:<id>`, which the
-- version location reports, so the agent knows when every worker runs a change.
--
-- Dict keys: `version` (the committed zxid), `services` (names, space separated), `list:<name>` (the
-- list text of a service), `version:<name>` (the zxid its list was pushed at), `worker:<id>`.
-- A push is checked whole before anything is written, and the version is written last: a worker that
-- sees version V finds lists at V or newer, never older.
local balancer = require "ngx.balancer"
local lists = require "signalbox_lists"

local ngx = ngx
local shared = ngx.shared.signalbox_upstreams
local tostring, pairs, ipairs = tostring, pairs, ipairs
local concat, insert = table.concat, table.insert
local log = math.log

local _M = {}

-- Limits (lists and pushes: signalbox_lists.lua; the control location also caps the body).
local MAX_TRIES = 3 -- equal to proxy_next_upstream_tries in the rendered config
local MAX_BOOT_BYTES = 4 * 1024 * 1024 -- as client_max_body_size of the push location
local WORKERS_WAIT_SECONDS = 1 -- a push waits this long at most for the other workers to switch
local parse_list, parse_push, compare_versions = lists.parse_list, lists.parse_push, lists.compare_versions

-- Per worker: what it runs. services[name] = { version, balance, max_fails, fail_timeout, primaries, backups }
local running = { version = nil, services = {} }
-- Per worker passive health, as Nginx's max_fails/fail_timeout: failures["name|host|port"] = { count, first, last }
local failures = {}
-- Per worker active requests per peer, for leastconn: active["name|host|port"] = n
local active = {}

-- Workers: switching to the committed lists -------------------------------------------------------

local function refresh()
    local version = shared:get("version")
    if version == nil or version == running.version then
        return
    end
    local fresh, broken = {}, false
    for name in (shared:get("services") or ""):gmatch("%S+") do
        local pushed_at = shared:get("version:" .. name)
        local cached = running.services[name]
        if cached and cached.version == pushed_at then
            fresh[name] = cached
        else
            local service, err = parse_list(name, shared:get("list:" .. name) or "")
            if service then
                service.version = pushed_at
                fresh[name] = service
            else
                broken = true
                ngx.log(ngx.ERR, "signalbox: worker ", ngx.worker.id(), " cannot use the list of ", name, " at ", version, ": ", err)
            end
        end
    end
    running.services = fresh
    running.version = version
    if broken then
        return -- not reported: the agent sees this worker behind and falls back to a reload
    end
    local ok, err = shared:safe_set("worker:" .. ngx.worker.id(), version) -- safe_set: never evict a list to make room
    if not ok then
        ngx.log(ngx.ERR, "signalbox: worker ", ngx.worker.id(), " cannot report zxid ", version, ": ", err)
    end
    ngx.log(ngx.INFO, "signalbox: worker ", ngx.worker.id(), " runs zxid ", version)
end

function _M.init_worker(interval_seconds)
    refresh()
    local ok, err = ngx.timer.every(interval_seconds, function(premature)
        if not premature and not ngx.worker.exiting() then
            refresh()
        end
    end)
    if not ok then
        ngx.log(ngx.ERR, "signalbox: cannot start the refresh timer: ", err)
    end
end

-- Balancing ----------------------------------------------------------------------------------------

local function available(service, server, now)
    if not server.up then
        return false
    end
    local failed = failures[server.key]
    return not (failed and service.max_fails > 0 and failed.count >= service.max_fails and now - failed.last < service.fail_timeout)
end

local function note_failure(service, server, now)
    local failed = failures[server.key]
    if not failed or now - failed.first > service.fail_timeout then
        failures[server.key] = { count = 1, first = now, last = now }
    else
        failed.count = failed.count + 1
        failed.last = now
    end
end

-- The servers to choose from: primaries that are up, not failed and not tried yet; backups when no primary is.
-- When passive failures leave none, the up servers not tried yet regardless of their failures: as Nginx never
-- takes the only server of a group out, a guess beats a certain 502 (and a success is what ends the doubt).
local function candidates(service, tried, now)
    for _, respect_failures in ipairs({ true, false }) do
        for _, group in ipairs({ service.primaries, service.backups }) do
            local list = {}
            for _, server in ipairs(group) do
                if not tried[server.key] and server.up and (not respect_failures or available(service, server, now)) then
                    insert(list, server)
                end
            end
            if #list > 0 then
                return list
            end
        end
    end
    return nil
end

-- Nginx's smooth weighted round robin: every pick adds each weight to its server's current value and
-- takes the highest, which then gives back the total.
local function smooth_round_robin(list)
    local best, total = nil, 0
    for _, server in ipairs(list) do
        server.current = server.current + server.weight
        total = total + server.weight
        if not best or server.current > best.current then
            best = server
        end
    end
    best.current = best.current - total
    return best
end

local function least_connections(list)
    local best, tied = nil, {}
    for _, server in ipairs(list) do
        local load = (active[server.key] or 0) / server.weight
        if not best or load < best then
            best, tied = load, { server }
        elseif load == best then
            insert(tied, server)
        end
    end
    return smooth_round_robin(tied)
end

local function weighted_random(list)
    local total = 0
    for _, server in ipairs(list) do
        total = total + server.weight
    end
    local point = math.random() * total
    for _, server in ipairs(list) do
        point = point - server.weight
        if point < 0 then
            return server
        end
    end
    return list[#list]
end

-- Weighted rendezvous hashing of the client address: a client keeps its server while that server
-- stays, and only the clients of a server that leaves move.
local function source_hash(list)
    local client = ngx.var.remote_addr or ""
    local best, best_score = nil, nil
    for _, server in ipairs(list) do
        local hash = (ngx.crc32_long(client .. "|" .. server.key) + 1) / 4294967297
        local score = -server.weight / log(hash)
        if not best or score > best_score then
            best, best_score = server, score
        end
    end
    return best
end

local PICK = {
    roundrobin = smooth_round_robin, leastconn = least_connections, random = weighted_random,
    first = function(list) return list[1] end, source = source_hash,
}

local function release_active(ctx)
    local held = ctx.signalbox_active
    if held then
        active[held] = (active[held] or 1) - 1
        ctx.signalbox_active = nil
    end
end

-- balancer_by_lua: picks the peer for one try; a retry first counts the failure of the previous try.
function _M.balance(name)
    refresh()
    local service = running.services[name]
    if not service then
        ngx.log(ngx.ERR, "signalbox: no list pushed for service ", name)
        return ngx.exit(502)
    end
    local ctx = ngx.ctx
    local now = ngx.now()
    local tried = ctx.signalbox_tried
    if tried then
        release_active(ctx)
        local state = balancer.get_last_failure()
        if state == "failed" and ctx.signalbox_last then
            note_failure(service, ctx.signalbox_last, now)
        end
    else
        tried = {}
        ctx.signalbox_tried = tried
    end
    local list = candidates(service, tried, now)
    if not list then
        ngx.log(ngx.ERR, "signalbox: no live server for service ", name, " (zxid ", running.version, ")")
        return ngx.exit(502)
    end
    local server = PICK[service.balance](list)
    tried[server.key] = true
    ctx.signalbox_last = server
    if not ctx.signalbox_retries_set then
        ctx.signalbox_retries_set = true
        local more = math.min(MAX_TRIES - 1, #service.primaries + #service.backups - 1)
        if more > 0 then
            balancer.set_more_tries(more)
        end
    end
    active[server.key] = (active[server.key] or 0) + 1
    ctx.signalbox_active = server.key
    local ok, err = balancer.set_current_peer(server.host, server.port)
    if not ok then
        ngx.log(ngx.ERR, "signalbox: cannot set peer ", server.host, ":", server.port, " for ", name, ": ", err)
        return ngx.exit(502)
    end
end

-- log_by_lua: the request is over, so it no longer counts for leastconn.
function _M.release()
    release_active(ngx.ctx)
end

-- nil when every worker runs version or later, else which worker does not.
local function workers_behind(version)
    for id = 0, ngx.worker.count() - 1 do
        local running_version = shared:get("worker:" .. id)
        if running_version == nil or compare_versions(running_version, version) < 0 then
            return "worker " .. id .. " runs " .. (running_version or "none")
        end
    end
    return nil
end

-- The version location: the zxid every worker runs (or "none"), then one line per worker.
function _M.version()
    refresh() -- this worker at least is current
    local lines, lowest = {}, nil
    for id = 0, ngx.worker.count() - 1 do
        local version = shared:get("worker:" .. id)
        insert(lines, "worker " .. id .. " " .. (version or "none"))
        if version == nil then
            lowest = "none"
        elseif lowest ~= "none" and (lowest == nil or compare_versions(version, lowest) < 0) then
            lowest = version
        end
    end
    ngx.header["Content-Type"] = "text/plain"
    ngx.say(lowest or "none")
    ngx.say(concat(lines, "\n"))
end

-- The agent's push --------------------------------------------------------------------------------

local function answer(status, text)
    ngx.status = status
    ngx.header["Content-Type"] = "text/plain"
    ngx.say(text)
    return ngx.exit(status)
end

local LOOPBACK = { ["127.0.0.1"] = true, ["::1"] = true }

-- Checks a parsed push against what the dict holds and stores it, the committed version last.
-- Returns the HTTP status and what to answer.
local function store(push)
    local committed = shared:get("version")
    if committed and compare_versions(push.version, committed) < 0 then
        return 409, "refused: version " .. push.version .. " is older than the committed " .. committed
    end
    for _, name in ipairs(push.names) do
        if not push.lists[name] and not shared:get("list:" .. name) then
            return 409, "refused: service " .. name .. " has no list yet; push it"
        end
    end
    local written = 0
    for name, text in pairs(push.lists) do
        -- safe_set: a full dict refuses instead of evicting another service's list
        local ok, set_err = shared:safe_set("list:" .. name, text)
        if ok then
            ok, set_err = shared:safe_set("version:" .. name, push.version)
        end
        if not ok then
            return 507, "cannot store the list of " .. name .. ": " .. tostring(set_err) .. " (lua_shared_dict too small?)"
        end
        written = written + 1
    end
    local ok, set_err = shared:safe_set("services", concat(push.names, " "))
    if ok then
        ok, set_err = shared:safe_set("version", push.version)
    end
    if not ok then
        return 507, "cannot commit version " .. push.version .. ": " .. tostring(set_err)
    end
    return 200, "committed " .. push.version .. ": " .. written .. " lists, " .. #push.names .. " services"
end

function _M.control(token)
    if not LOOPBACK[ngx.var.remote_addr] then
        return answer(403, "the push endpoint answers loopback clients only")
    end
    if ngx.var.http_x_signalbox_token ~= token then
        return answer(403, "missing or wrong X-Signalbox-Token")
    end
    if ngx.req.get_method() ~= "POST" or ngx.var.uri ~= "/__signalbox/apply" then
        return answer(404, "only POST /__signalbox/apply")
    end
    ngx.req.read_body()
    local body = ngx.req.get_body_data()
    if not body then
        return answer(413, "the body is empty or larger than client_body_buffer_size")
    end
    local push, err = parse_push(body)
    if not push then
        return answer(400, "refused: " .. err)
    end
    local status, text = store(push)
    if status ~= 200 then
        return answer(status, text)
    end
    refresh()
    ngx.log(ngx.NOTICE, "signalbox: ", text)
    -- Answer once every worker runs it (the others switch on their timer): the agent needs no second request.
    -- ngx.sleep yields, so this worker keeps serving meanwhile.
    local deadline = ngx.now() + WORKERS_WAIT_SECONDS
    local behind = workers_behind(push.version)
    while behind and ngx.now() < deadline do
        ngx.sleep(0.001)
        ngx.update_time()
        behind = workers_behind(push.version)
    end
    return answer(200, text .. (behind and "; behind: " .. behind or "; every worker runs it"))
end

-- init_by_lua, in the master: a Nginx that starts with an empty dict (not a reload, which keeps
-- it) loads the last lists the agent pushed, saved by the agent as a complete push, so it
-- serves even while no agent runs. The agent's next push replaces them.
function _M.boot(path)
    if shared:get("version") then
        return
    end
    local file = io.open(path, "r")
    if not file then
        return
    end
    local body = file:read(MAX_BOOT_BYTES + 1)
    file:close()
    if not body or #body > MAX_BOOT_BYTES then
        ngx.log(ngx.ERR, "signalbox: ", path, " is empty or over ", MAX_BOOT_BYTES, " bytes; starting without lists")
        return
    end
    local push, err = parse_push(body)
    if not push then
        ngx.log(ngx.ERR, "signalbox: ", path, " refused: ", err, "; starting without lists")
        return
    end
    local _, text = store(push)
    ngx.log(ngx.NOTICE, "signalbox: started from ", path, ": ", text)
end

return _M
