-- Signalbox's server lists for the Lua balancer: the text the sync agent pushes, parsed and checked
-- again here (this text decides where Nginx connects): versions ("epoch:counter" zxids), names,
-- IP literals only, ports, weights, and a limit on everything.
local tonumber = tonumber
local insert, concat = table.insert, table.concat

local _M = {}

local MAX_SERVERS_PER_SERVICE = 4096
local MAX_SERVICES = 4096
local BALANCES = { roundrobin = true, leastconn = true, random = true, first = true, source = true }

-- Versions ------------------------------------------------------------------------------------------

local function parse_version(text)
    if type(text) ~= "string" then
        return nil
    end
    local epoch, counter = text:match("^(%d%d?%d?%d?%d?%d?%d?%d?%d?%d?):(%d%d?%d?%d?%d?%d?%d?%d?%d?%d?)$")
    if not epoch then
        return nil
    end
    epoch, counter = tonumber(epoch), tonumber(counter)
    if epoch > 4294967295 or counter > 4294967295 then
        return nil
    end
    return epoch, counter
end

-- -1, 0 or 1 as version a is older than, equal to or newer than b (both valid).
local function compare_versions(a, b)
    local ea, ca = parse_version(a)
    local eb, cb = parse_version(b)
    if ea ~= eb then
        return ea < eb and -1 or 1
    end
    if ca ~= cb then
        return ca < cb and -1 or 1
    end
    return 0
end

-- Parsing (the agent's lists, checked again here: this text decides where Nginx connects) ------------

local function ipv4(text)
    local a, b, c, d = text:match("^(%d%d?%d?)%.(%d%d?%d?)%.(%d%d?%d?)%.(%d%d?%d?)$")
    return a ~= nil and tonumber(a) <= 255 and tonumber(b) <= 255 and tonumber(c) <= 255 and tonumber(d) <= 255
end

local function ipv6(text)
    return #text >= 2 and #text <= 39 and text:find(":", 1, true) ~= nil and text:match("^[0-9a-f:]+$") ~= nil
end

local function integer(text, min, max)
    if type(text) ~= "string" or not text:match("^%d%d?%d?%d?%d?%d?%d?%d?%d?$") then
        return nil
    end
    local value = tonumber(text)
    if value < min or value > max then
        return nil
    end
    return value
end

local function service_name(text)
    return type(text) == "string" and #text <= 63 and text:match("^[a-z][a-z0-9_-]*$") ~= nil
end

-- One list line: "server <ip> <port> <weight> primary|backup up|down".
local function parse_server(line, name)
    local host, port, weight, role, state = line:match("^server (%S+) (%S+) (%S+) (%S+) (%S+)$")
    if not host then
        return nil, "expected \"server IP PORT WEIGHT primary|backup up|down\""
    end
    local address
    if ipv4(host) then
        address = host
    elseif ipv6(host) then
        address = "[" .. host .. "]"
    else
        return nil, "address \"" .. host .. "\" is not an IPv4 or IPv6 literal"
    end
    local port_number = integer(port, 1, 65535)
    if not port_number then
        return nil, "port \"" .. port .. "\" is not 1..65535"
    end
    local weight_number = integer(weight, 0, 256)
    if not weight_number then
        return nil, "weight \"" .. weight .. "\" is not 0..256"
    end
    if role ~= "primary" and role ~= "backup" then
        return nil, "role \"" .. role .. "\" is not primary or backup"
    end
    if state ~= "up" and state ~= "down" then
        return nil, "state \"" .. state .. "\" is not up or down"
    end
    return {
        host = address, port = port_number, weight = weight_number, backup = role == "backup",
        up = state == "up" and weight_number > 0, key = name .. "|" .. host .. "|" .. port,
        current = 0, -- smooth weighted round robin
    }
end

-- A service's list: its settings, then its servers. Returns the parsed service or nil and why.
local function parse_list(name, text)
    local service = { name = name, primaries = {}, backups = {}, balance = nil, max_fails = nil, fail_timeout = nil }
    local count = 0
    local number = 0
    for line in text:gmatch("[^\n]+") do
        number = number + 1
        local key, value = line:match("^(%S+) (%S+)$")
        if line:sub(1, 7) == "server " then
            count = count + 1
            if count > MAX_SERVERS_PER_SERVICE then
                return nil, "more than " .. MAX_SERVERS_PER_SERVICE .. " servers"
            end
            local server, err = parse_server(line, name)
            if not server then
                return nil, "line " .. number .. ": " .. err
            end
            insert(server.backup and service.backups or service.primaries, server)
        elseif key == "balance" and BALANCES[value] then
            service.balance = value
        elseif key == "max_fails" and integer(value, 0, 1000) then
            service.max_fails = tonumber(value)
        elseif key == "fail_timeout_ms" and integer(value, 1, 86400000) then
            service.fail_timeout = tonumber(value) / 1000
        else
            return nil, "line " .. number .. ": \"" .. line:sub(1, 80) .. "\" is not balance, max_fails, fail_timeout_ms or server"
        end
    end
    if not service.balance or not service.max_fails or not service.fail_timeout then
        return nil, "balance, max_fails and fail_timeout_ms are required"
    end
    return service
end

-- A push: "version E:C", "services NAME...", then per changed service "list NAME", its lines, "end".
local function parse_push(body)
    local lines = {}
    for line in body:gmatch("([^\n]*)\n") do
        insert(lines, line)
    end
    local version = (lines[1] or ""):match("^version (%S+)$")
    if not parse_version(version) then
        return nil, "the first line must be \"version EPOCH:COUNTER\""
    end
    local names_line = (lines[2] or ""):match("^services ?(.*)$")
    if not names_line then
        return nil, "the second line must be \"services NAME...\""
    end
    local names = {}
    for name in names_line:gmatch("%S+") do
        if not service_name(name) then
            return nil, "service name \"" .. name:sub(1, 80) .. "\" is not ^[a-z][a-z0-9_-]{0,62}$"
        end
        insert(names, name)
    end
    if #names > MAX_SERVICES then
        return nil, "more than " .. MAX_SERVICES .. " services"
    end
    local lists = {}
    local index = 3
    while index <= #lines do
        local name = lines[index]:match("^list (%S+)$")
        if not name or not service_name(name) then
            return nil, "line " .. index .. ": \"" .. lines[index]:sub(1, 80) .. "\" is not \"list NAME\""
        end
        local last = index + 1
        while last <= #lines and lines[last] ~= "end" do
            last = last + 1
        end
        if last > #lines then
            return nil, "list " .. name .. " has no \"end\" line"
        end
        local text = concat(lines, "\n", index + 1, last - 1)
        local service, err = parse_list(name, text)
        if not service then
            return nil, "list " .. name .. ": " .. err
        end
        lists[name] = text
        index = last + 1
    end
    return { version = version, names = names, lists = lists }
end

_M.parse_version = parse_version
_M.compare_versions = compare_versions
_M.parse_list = parse_list
_M.parse_push = parse_push

return _M
