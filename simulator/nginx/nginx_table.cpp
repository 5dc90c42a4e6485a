#include "simulator/nginx/nginx_table.h"

#include "model/lint.h"
#include "simulator/fast_string.h"
#include "simulator/recent_memo.h"
#include "simulator/uri.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <unordered_map>
#include <unordered_set>

namespace hs::sim::nginx {

using namespace hs::model;

namespace {

// Heterogeneous lookup: find by string_view without building a std::string (no allocation).
struct StringHash {
    using is_transparent = void;
    // Eight bytes at a time with a multiply-xorshift mix: cheaper than std::hash's byte loop on
    // the per-request server lookup (replay fast path).
    std::size_t operator()(std::string_view s) const noexcept {
        std::uint64_t h = s.size() * 0x9E3779B97F4A7C15ULL;
        std::size_t i = 0;
        for (; i + 8 <= s.size(); i += 8) {
            std::uint64_t w;
            std::memcpy(&w, s.data() + i, 8);
            h = (h ^ w) * 0x9E3779B97F4A7C15ULL;
            h ^= h >> 32;
        }
        if (i < s.size()) {
            std::uint64_t w = 0;
            std::memcpy(&w, s.data() + i, s.size() - i);
            h = (h ^ w) * 0x9E3779B97F4A7C15ULL;
        }
        h ^= h >> 29;
        h *= 0xBF58476D1CE4E5B9ULL;
        return static_cast<std::size_t>(h ^ (h >> 32));
    }
};
using HostMap = std::unordered_map<std::string, std::uint32_t, StringHash, std::equal_to<>>;
using HostSet = std::unordered_set<std::string, StringHash, std::equal_to<>>;

// ---- regular expressions (PCRE2, as nginx) ----------------------------------------------------

struct Regex {
    pcre2_code* code = nullptr;
    std::string error;
    Regex() = default;
    Regex(const std::string& pattern, bool caseless) {
        int err = 0;
        PCRE2_SIZE off = 0;
        code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                             caseless ? PCRE2_CASELESS : 0, &err, &off, nullptr);
        if (!code) {
            PCRE2_UCHAR buf[256];
            pcre2_get_error_message(err, buf, sizeof buf);
            error = std::string(reinterpret_cast<char*>(buf)) + " at offset " + std::to_string(off);
            return;
        }
        pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
    }
    Regex(const Regex&) = delete;
    Regex& operator=(const Regex&) = delete;
    Regex(Regex&& o) noexcept : code(o.code), error(std::move(o.error)) { o.code = nullptr; }
    Regex& operator=(Regex&& o) noexcept {
        std::swap(code, o.code);
        error = std::move(o.error);
        return *this;
    }
    ~Regex() {
        if (code) pcre2_code_free(code);
    }
    // Returns the number of capture pairs set (>0) on a match, 0 on no match.
    int match(std::string_view s, pcre2_match_data* md) const {
        if (!code) return 0;
        int rc = pcre2_match(code, reinterpret_cast<PCRE2_SPTR>(s.data()), s.size(), 0, 0, md, nullptr);
        return rc > 0 ? rc : 0;
    }
};

// ---- static locations: a byte trie ------------------------------------------------------------

struct Trie {
    struct Node {
        std::vector<std::pair<char, std::uint32_t>> children;  // sorted by byte
        std::uint32_t exact = kNone;  // location index of `= name`
        std::uint32_t inclusive = kNone;  // location index of `name` (prefix)
    };
    std::vector<Node> nodes{1};

    std::uint32_t child(std::uint32_t n, char c) const {
        const auto& ch = nodes[n].children;
        auto it = std::lower_bound(ch.begin(), ch.end(), c, [](const auto& p, char v) { return p.first < v; });
        return it != ch.end() && it->first == c ? it->second : kNone;
    }
    std::uint32_t insert(std::string_view name) {
        std::uint32_t n = 0;
        for (char c : name) {
            std::uint32_t next = child(n, c);
            if (next == kNone) {
                next = static_cast<std::uint32_t>(nodes.size());
                nodes.emplace_back();
                auto& ch = nodes[n].children;
                auto it = std::lower_bound(ch.begin(), ch.end(), c, [](const auto& p, char v) { return p.first < v; });
                ch.insert(it, {c, next});
            }
            n = next;
        }
        return n;
    }
};

struct StaticMatch {
    enum Kind { None, Exact, Prefix, AutoRedirect } kind = None;
    std::uint32_t location = kNone;
};

// ---- the table --------------------------------------------------------------------------------

// What one routed request reads of a location, built once next to its strings (ServerIndex::hot):
// the fast path copies the Decision's strings from a line or two of one arena instead of from the
// Location, IngressInfo, Ingress and Server objects spread over the heap (issue 3: the cost with
// 10,000 paths within 2x of the cost with 10).
struct HotLocation {
    std::uint32_t off = 0;  // into ServerIndex::hot: rendered, ingress key, path as written, nginx path
    std::uint32_t rendered = 0, key = 0, path = 0, locPath = 0;
    std::uint32_t upstream = kNone, customDefaultUpstream = kNone, ingress = kNone;
    bool usesCustomDefault = false;
    bool hasPath = false;  // the location comes from an Ingress path (Decision path/pathType)
    bool plain = false;  // no annotation acts in the rewrite, preaccess or access phases
    SpecialLocation special = SpecialLocation::None;
    model::PathType pathType = model::PathType::Prefix;  // of the Ingress path
};

// An upstream's Decision strings and its endpoints', contiguous in Table::upHot_ (same reason).
struct HotUpstream {
    std::uint32_t off = 0;  // into Table::upHot_: name, service key, port name
    std::uint32_t name = 0, key = 0, portName = 0;
    bool isDefault = false, hasAlternatives = false, hasPort = false;
    std::int32_t port = 0;
    std::uint32_t endpoints = 0;  // first HotEndpoint in Table::hotEp_
};
struct HotEndpoint {
    std::uint32_t off = 0;  // into Table::upHot_: hostPort, pod key, node
    std::uint32_t hostPort = 0, pod = 0, node = 0;
};

// A server's Trie as matched: path-compressed (a chain of single-child nodes without a location
// becomes one edge with a label), nodes in depth-first order, in three flat arrays. A request
// walks a few adjacent records instead of one node and one heap vector per byte.
struct FlatTrie {
    struct Node {
        std::uint32_t exact = kNone, inclusive = kNone;
        std::uint32_t label = 0;  // the edge from the parent: bytes [label, label + labelLen)
        std::uint32_t first = 0;  // first child in `children`
        std::uint32_t labelLen = 0, count = 0;
    };
    struct Child {
        char byte;  // the first byte of the child's label
        std::uint32_t node;
    };
    std::vector<Node> nodes;
    std::vector<Child> children;  // sorted by byte within a node
    std::string labels;

    std::uint32_t child(std::uint32_t n, char c) const {
        const Node& x = nodes[n];
        const Child* b = children.data() + x.first;
        const Child* e = b + x.count;
        for (const Child* it = b; it != e; ++it)
            if (it->byte == c) return it->node;
        return kNone;
    }
};

FlatTrie flatten(const Trie& t) {
    FlatTrie f;
    // (original node, its flat index): children are laid out when their parent is visited
    struct Item {
        std::uint32_t orig, flat;
    };
    std::vector<Item> stack;
    f.nodes.push_back({t.nodes[0].exact, t.nodes[0].inclusive, 0, 0, 0, 0});
    stack.push_back({0, 0});
    while (!stack.empty()) {
        Item it = stack.back();
        stack.pop_back();
        const auto& on = t.nodes[it.orig];
        f.nodes[it.flat].first = static_cast<std::uint32_t>(f.children.size());
        f.nodes[it.flat].count = static_cast<std::uint32_t>(on.children.size());
        std::vector<Item> kids;
        for (const auto& [c, next] : on.children) {
            std::uint32_t label = static_cast<std::uint32_t>(f.labels.size());
            f.labels.push_back(c);
            std::uint32_t x = next;
            while (t.nodes[x].children.size() == 1 && t.nodes[x].exact == kNone && t.nodes[x].inclusive == kNone) {
                f.labels.push_back(t.nodes[x].children.front().first);
                x = t.nodes[x].children.front().second;
            }
            std::uint32_t flat = static_cast<std::uint32_t>(f.nodes.size());
            f.nodes.push_back({t.nodes[x].exact, t.nodes[x].inclusive, label, 0,
                               static_cast<std::uint32_t>(f.labels.size() - label), 0});
            f.children.push_back({c, flat});
            kids.push_back({x, flat});
        }
        for (auto k = kids.rbegin(); k != kids.rend(); ++k) stack.push_back(*k);
    }
    return f;
}

// nginx's ngx_http_core_find_static_location, on the trie: an exact location equal to the URI
// wins; then a prefix location equal to the URI; then a location named URI + "/" (the 301); then
// the longest prefix location. Edge by edge: a URI that ends inside an edge ends on a node without
// locations, whose '/' child is the edge's next byte (a location only when that byte ends the edge).
StaticMatch findStatic(const FlatTrie& t, std::string_view uri) {
    std::uint32_t n = 0;
    std::uint32_t longest = t.nodes[0].inclusive;
    auto fallback = [&] { return longest == kNone ? StaticMatch{} : StaticMatch{StaticMatch::Prefix, longest}; };
    std::size_t pos = 0;
    while (pos < uri.size()) {
        std::uint32_t c = t.child(n, uri[pos]);
        if (c == kNone) return fallback();
        const FlatTrie::Node& x = t.nodes[c];
        std::string_view label(t.labels.data() + x.label, x.labelLen);
        std::size_t k = 1;
        while (k < label.size() && pos + k < uri.size() && uri[pos + k] == label[k]) ++k;
        if (k < label.size()) {
            if (pos + k < uri.size()) return fallback();  // a byte differs inside the edge
            // the URI ends inside the edge: only the 301 to a slash location is possible
            if (label[k] == '/' && k + 1 == label.size()) {
                std::uint32_t target = x.exact != kNone ? x.exact : x.inclusive;
                if (target != kNone) return {StaticMatch::AutoRedirect, target};
            }
            return fallback();
        }
        pos += label.size();
        n = c;
        if (x.inclusive != kNone) longest = x.inclusive;
    }
    const FlatTrie::Node& node = t.nodes[n];
    if (node.exact != kNone) return {StaticMatch::Exact, node.exact};
    if (node.inclusive != kNone) return {StaticMatch::Prefix, node.inclusive};
    std::uint32_t slash = t.child(n, '/');
    if (slash != kNone && t.nodes[slash].labelLen == 1) {
        const auto& sl = t.nodes[slash];
        std::uint32_t target = sl.exact != kNone ? sl.exact : sl.inclusive;
        if (target != kNone) return {StaticMatch::AutoRedirect, target};
    }
    return fallback();
}

// Exact host names by open addressing: one 64-byte slot holds the hash, the server and (up to 48
// bytes) the name itself, so a lookup reads one line; longer names are compared in `longKeys`.
class HostIndex {
public:
    void build(const std::vector<std::pair<std::string, std::uint32_t>>& names) {
        std::size_t cap = 16;
        while (cap < names.size() * 2) cap *= 2;
        slots_.assign(cap, Slot{});
        mask_ = cap - 1;
        for (const auto& [name, server] : names) {
            std::uint64_t h = StringHash{}(name);
            std::size_t i = h & mask_;
            bool dup = false;
            while (slots_[i].server != kNone) {
                if (equal(slots_[i], h, name)) {
                    dup = true;  // first kept, as unordered_map::emplace
                    break;
                }
                i = (i + 1) & mask_;
            }
            if (dup) continue;
            Slot& s = slots_[i];
            s.hash = static_cast<std::uint32_t>(h >> 32);
            s.server = server;
            s.len = static_cast<std::uint32_t>(name.size());
            if (name.size() <= sizeof s.inl) {
                std::memcpy(s.inl, name.data(), name.size());
            } else {
                s.off = static_cast<std::uint32_t>(longKeys_.size());
                longKeys_.append(name);
            }
        }
    }
    std::uint32_t find(std::string_view name) const {
        if (slots_.empty()) return kNone;
        std::uint64_t h = StringHash{}(name);
        for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
            const Slot& s = slots_[i];
            if (s.server == kNone) return kNone;
            if (equal(s, h, name)) return s.server;
        }
    }

private:
    struct alignas(64) Slot {
        std::uint32_t hash = 0, server = kNone, len = 0, off = 0;
        char inl[48];
    };
    bool equal(const Slot& s, std::uint64_t h, std::string_view name) const {
        if (s.hash != static_cast<std::uint32_t>(h >> 32) || s.len != name.size()) return false;
        const char* k = name.size() <= sizeof s.inl ? s.inl : longKeys_.data() + s.off;
        return std::memcmp(k, name.data(), name.size()) == 0;
    }
    std::vector<Slot> slots_;
    std::size_t mask_ = 0;
    std::string longKeys_;
};

struct ServerIndex {
    Trie trie;
    FlatTrie flat;  // `trie` as matched
    std::string hot;  // hostname, certificate, then each location's strings (HotLocation)
    std::uint32_t hostnameLen = 0, certificateLen = 0;
    bool catchAll = false, regexMode = false, ownCertificate = false;
    const Location* locations = nullptr;  // Server::locations
    std::vector<HotLocation> hotLoc;  // per location
    std::vector<Regex> regexes;  // regex mode: one per location, in order
    std::vector<Regex> rewrites;  // per location: `(?i)path` when it rewrites
    std::uint32_t appRoot = kNone;  // first location with app-root
    std::vector<std::string> rendered;  // Location::render, precomputed
};

class Table;

class Session final : public RouteSession {
public:
    Session(std::shared_ptr<const Table> t, std::uint64_t seed);
    ~Session() override;
    void route(const Request& r, Decision& d, const RouteOptions& o) override;
    void observe(const Decision& d, double rtt, double now) override;
    void requestStarted(const Decision& d, const Request& r) override;
    void requestFinished(const Decision& d, const Request& r) override;
    bool nameRoute(std::uint64_t ref, Decision& d) const override;
    // RouteTable::continueSession: keep what the controller keeps across a reload (EWMA statistics,
    // rate-limit buckets, open connections, the random stream); balancers are rebuilt lazily.
    void takeOver(Session& previous) {
        rng_ = previous.rng_;
        ewma_ = std::move(previous.ewma_);
        buckets_ = std::move(previous.buckets_);
        connections_ = std::move(previous.connections_);
    }

private:
    Balancer* balancer(std::uint32_t upstream);
    bool rateLimited(const IngressInfo& info, const Annotations& a, const Request& r, std::string& why);

    std::shared_ptr<const Table> t_;
    Rng rng_;
    EwmaStore ewma_;
    std::vector<std::unique_ptr<Balancer>> balancers_;
    pcre2_match_data* md_ = nullptr;
    std::string uri_, host_, key_, tmp_, bucketKey_;
    // Host headers seen lately (requests without an absolute-form target) and what each gave:
    // its $host, whether nginx accepts it, its server. The lowercasing, validation and server
    // lookup are done once per host while it stays remembered (the table, hence the server, is
    // fixed for a session).
    struct HostSeen {
        std::string host;
        bool valid = false;
        std::uint32_t server = 0;
    };
    RecentMemo<HostSeen> hostMemo_;
    Request absolute_;  // an absolute-form request in origin form (route())
    struct Bucket {
        double excess = 0;  // in requests
        double last = -1;
    };
    std::unordered_map<std::string, Bucket> buckets_;
    std::unordered_map<std::string, int> connections_;
    std::vector<std::pair<std::string, std::size_t>> lastPicked_;  // unused
};

class Table final : public RouteTable, public std::enable_shared_from_this<Table> {
public:
    Table(std::shared_ptr<const ClusterState> st, const Settings& s) : state_(std::move(st)) {
        cfg_ = buildConfig(*state_, s);
        index();
    }

    Profile profile() const override { return Profile::IngressNginx; }
    std::unique_ptr<RouteSession> newSession(std::uint64_t seed) const override {
        return std::make_unique<Session>(shared_from_this(), seed);
    }
    std::unique_ptr<RouteSession> continueSession(RouteSession& previous, std::uint64_t seed) const override {
        auto s = std::make_unique<Session>(shared_from_this(), seed);
        if (auto* prev = dynamic_cast<Session*>(&previous)) s->takeOver(*prev);
        return s;
    }
    const ClusterState& state() const override { return *state_; }
    Diagnostics lint() const override;
    std::vector<RuleView> rules() const override;
    bool serves(const ObjectRef& r) const override {
        if (r.kind != Kind::Ingress) return false;
        return std::none_of(cfg_->ignored.begin(), cfg_->ignored.end(), [&](const IgnoredIngress& ig) {
            return ig.ingress->meta.ns == r.ns && ig.ingress->meta.name == r.name;
        });
    }

    const Config& cfg() const { return *cfg_; }
    std::shared_ptr<const Config> cfgShared() const { return cfg_; }
    const ServerIndex& idx(std::uint32_t s) const { return servers_[s]; }

    // Server lookup (nginx: exact names, then the one-label wildcard regex, then the default).
    std::uint32_t findServer(std::string_view host) const {
        if (std::uint32_t si = exact_.find(host); si != kNone) return si;
        auto dot = host.find('.');
        if (dot != std::string_view::npos && dot > 0) {
            std::string_view label = host.substr(0, dot);
            bool word = std::all_of(label.begin(), label.end(), [](char c) {
                return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
            });
            if (word) {
                auto w = wildcard_.find(host.substr(dot));
                if (w != wildcard_.end()) return w->second;
            }
        }
        return catchAll_;
    }

    bool certificateFor(std::string_view host) const {
        // lua certificate.lua: exact host, else the one-label wildcard entry ("*.rest")
        if (certHosts_.find(host) != certHosts_.end()) return true;
        auto dot = host.find('.');
        if (dot == std::string_view::npos) return false;
        return certWildcards_.find(host.substr(dot)) != certWildcards_.end();
    }

    std::uint32_t catchAll() const { return catchAll_; }
    bool anyEwma() const { return anyEwma_; }
    const std::vector<std::string>& noTlsLocations() const { return noTls_; }
    const HotUpstream& hotUpstream(std::uint32_t u) const { return hotUp_[u]; }
    const HotEndpoint& hotEndpoint(const HotUpstream& u, std::size_t i) const { return hotEp_[u.endpoints + i]; }
    std::string_view upStr(std::uint32_t off, std::uint32_t len) const { return {upHot_.data() + off, len}; }

private:
    void index() {
        const Config& c = *cfg_;
        servers_.resize(c.servers.size());
        std::vector<std::pair<std::string, std::uint32_t>> exactNames;
        for (std::uint32_t si = 0; si < c.servers.size(); ++si) {
            const Server& s = c.servers[si];
            ServerIndex& x = servers_[si];
            if (s.isCatchAll())
                catchAll_ = si;
            else if (s.isWildcard())
                wildcard_.emplace(s.hostname.substr(1), si);
            else
                exactNames.emplace_back(toLower(s.hostname), si);
            for (const auto& a : s.aliases) exactNames.emplace_back(toLower(a), si);
            if (s.hasCertificate && !s.isCatchAll()) {
                auto addCert = [&](const std::string& name) {
                    std::string lower = toLower(name);
                    if (lower.size() > 1 && lower[0] == '*')
                        certWildcards_.insert(lower.substr(1));
                    else
                        certHosts_.insert(lower);
                };
                addCert(s.hostname);
                for (const auto& a : s.aliases) addCert(a);
            }
            x.rendered.reserve(s.locations.size());
            for (const Location& l : s.locations) x.rendered.push_back(l.render(s.regexMode));
            x.rewrites.resize(s.locations.size());
            if (s.regexMode) x.regexes.reserve(s.locations.size());
            for (std::uint32_t li = 0; li < s.locations.size(); ++li) {
                const Location& l = s.locations[li];
                if (s.regexMode) {
                    x.regexes.emplace_back("^" + l.path, true);
                    if (!x.regexes.back().error.empty()) regexErrors_.push_back({si, li, x.regexes.back().error});
                } else {
                    std::uint32_t node = x.trie.insert(l.path);
                    auto& slot =
                        l.pathType == PathType::Exact ? x.trie.nodes[node].exact : x.trie.nodes[node].inclusive;
                    if (slot == kNone) slot = li;  // a duplicate location: nginx would refuse; first kept
                }
                if (l.ann && !l.ann->rewriteTarget.empty() && l.ann->rewriteTarget != l.path) {
                    x.rewrites[li] = Regex("(?i)" + l.path, false);
                }
                if (x.appRoot == kNone && l.ann && !l.ann->appRoot.empty()) x.appRoot = li;
            }
        }
        exact_.build(exactNames);
        for (std::uint32_t si = 0; si < c.servers.size(); ++si) indexHot(c, si);
        hotUp_.reserve(c.upstreams.size());
        for (const Upstream& u : c.upstreams) {
            HotUpstream h;
            auto put = [&](std::string_view v) {
                upHot_.append(v);
                return static_cast<std::uint32_t>(v.size());
            };
            h.off = static_cast<std::uint32_t>(upHot_.size());
            h.name = put(u.name);
            h.key = put(u.serviceKey);
            if (u.backend.servicePort) {
                h.hasPort = true;
                h.port = u.backend.servicePort->port;
                h.portName = put(u.backend.servicePort->name);
            }
            h.isDefault = u.isDefault;
            h.hasAlternatives = !u.alternatives.empty();
            h.endpoints = static_cast<std::uint32_t>(hotEp_.size());
            for (const EndpointInfo& ep : u.backend.endpoints) {
                HotEndpoint e;
                e.off = static_cast<std::uint32_t>(upHot_.size());
                e.hostPort = put(ep.hostPort);
                e.pod = put(ep.podKey);
                e.node = put(ep.node);
                hotEp_.push_back(e);
            }
            hotUp_.push_back(h);
        }
        for (const Upstream& u : c.upstreams) anyEwma_ = anyEwma_ || u.balancer.kind == BalancerKind::Ewma;
        std::string_view list = c.settings.noTLSRedirectLocations;
        while (!list.empty()) {
            auto comma = list.find(',');
            std::string_view item = list.substr(0, comma);
            while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
            while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
            if (!item.empty()) noTls_.emplace_back(item);
            if (comma == std::string_view::npos) break;
            list.remove_prefix(comma + 1);
        }
    }

    // ServerIndex's hot part: the server's and its locations' strings in one arena.
    void indexHot(const Config& c, std::uint32_t si) {
        const Server& s = c.servers[si];
        ServerIndex& x = servers_[si];
        x.flat = flatten(x.trie);
        x.trie = Trie{};  // built from; `flat` is matched
        x.catchAll = s.isCatchAll();
        x.regexMode = s.regexMode;
        x.ownCertificate = s.hasCertificate && !s.isCatchAll();
        x.locations = s.locations.data();
        auto put = [&](std::string_view v) {
            x.hot.append(v);
            return static_cast<std::uint32_t>(v.size());
        };
        x.hostnameLen = put(s.hostname);
        x.certificateLen = put(s.certificate);
        x.hotLoc.reserve(s.locations.size());
        for (std::uint32_t li = 0; li < s.locations.size(); ++li) {
            const Location& l = s.locations[li];
            HotLocation h;
            h.off = static_cast<std::uint32_t>(x.hot.size());
            h.rendered = put(x.rendered[li]);
            h.key = put(l.ingress != kNone ? std::string_view(c.ingresses[l.ingress].key) : std::string_view());
            if (const HTTPIngressPath* p = l.ingress == kNone || l.rule < 0
                    ? nullptr
                    : &c.ingresses[l.ingress]
                           .ingress->rules[static_cast<std::size_t>(l.rule)]
                           .paths[static_cast<std::size_t>(l.pathIndex)]) {
                h.hasPath = true;
                h.path = put(p->path.empty() ? std::string_view("/") : std::string_view(p->path));
                h.pathType = p->pathType;
            }
            h.locPath = put(l.path);
            h.upstream = l.upstream;
            h.customDefaultUpstream = l.customDefaultUpstream;
            h.usesCustomDefault = l.usesCustomDefault;
            h.ingress = l.ingress;
            h.special = l.special;
            const Annotations* a = l.ann;
            h.plain = !a ||
                (a->deniedReason.empty() && a->temporalRedirect.empty() && a->permanentRedirect.empty() &&
                 !(!a->rewriteTarget.empty() && a->rewriteTarget != l.path && x.rewrites[li].code) &&
                 a->limitConnections <= 0 && a->limitRPS <= 0 && a->limitRPM <= 0 && a->allowList.empty() &&
                 a->denyList.empty());
            x.hotLoc.push_back(h);
        }
    }

    std::shared_ptr<const ClusterState> state_;
    std::shared_ptr<const Config> cfg_;
    std::vector<ServerIndex> servers_;
    HostIndex exact_;
    std::string upHot_;  // HotUpstream and HotEndpoint strings
    std::vector<HotUpstream> hotUp_;
    std::vector<HotEndpoint> hotEp_;
    HostMap wildcard_;  // ".foo.com" -> server
    HostSet certHosts_;
    HostSet certWildcards_;  // ".foo.com" for "*.foo.com" servers with certificates
    std::uint32_t catchAll_ = 0;
    bool anyEwma_ = false;
    std::vector<std::string> noTls_;
    struct RegexError {
        std::uint32_t server, location;
        std::string error;
    };
    std::vector<RegexError> regexErrors_;
    friend class Session;
};

Diagnostics Table::lint() const {
    Diagnostics out;
    const Config& c = *cfg_;
    auto ingressMeta = [&](std::string_view key) -> const ObjectMeta* {
        auto slash = key.find('/');
        if (slash == std::string_view::npos) return nullptr;
        const Ingress* i = state_->ingresses().find(key.substr(0, slash), key.substr(slash + 1));
        return i ? &i->meta : nullptr;
    };
    for (const Note& n : c.notes) {
        if (const ObjectMeta* m = ingressMeta(n.ingress)) {
            out.push_back(objectDiagnostic(n.severity, Kind::Ingress, *m, n.field, n.message, n.code));
        } else {
            Diagnostic d;
            d.severity = n.severity;
            d.message = n.message;
            d.code = n.code;
            out.push_back(std::move(d));
        }
    }
    for (const auto& ig : c.ignored)
        out.push_back(objectDiagnostic(Severity::Info, Kind::Ingress, ig.ingress->meta, "spec.ingressClassName",
                                       "not served by ingress-nginx: " + ig.reason, "nginx.not-served"));
    for (const auto& e : regexErrors_) {
        const Location& l = c.servers[e.server].locations[e.location];
        std::string msg = "nginx cannot compile the regex location ~* \"^" + l.path + "\" (" + e.error +
            "); the controller would refuse the configuration";
        if (l.ingress != kNone)
            if (const ObjectMeta* m = ingressMeta(c.ingresses[l.ingress].key)) {
                out.push_back(objectDiagnostic(
                    Severity::Error, Kind::Ingress, *m,
                    "spec.rules[" + std::to_string(l.rule) + "].http.paths[" + std::to_string(l.pathIndex) + "].path",
                    msg, "nginx.regex"));
                continue;
            }
        Diagnostic d;
        d.message = msg;
        d.code = "nginx.regex";
        out.push_back(std::move(d));
    }
    for (const auto& p : c.settings.problems) {
        Diagnostic d;
        d.severity = Severity::Warning;
        d.message = "controller ConfigMap " + c.settings.configMapSource + ": " + p;
        d.code = "nginx.configmap";
        out.push_back(std::move(d));
    }
    sortDiagnostics(out);
    return out;
}

// ---- rules for the graph ----------------------------------------------------------------------

namespace {
BackendView upstreamView(const Upstream& u) {
    BackendView b;
    b.service = u.serviceKey;
    if (u.backend.servicePort) {
        b.port = u.backend.servicePort->port;
        b.portName = u.backend.servicePort->name;
    }
    for (const auto& e : u.backend.endpoints) b.endpoints.push_back({e.hostPort, e.podKey, e.node, e.ready});
    b.problem = u.backend.problem;
    return b;
}
}  // namespace

std::vector<RuleView> Table::rules() const {
    std::vector<RuleView> out;
    const Config& c = *cfg_;
    auto base = [&](const IngressInfo& info, int ri, int pi) {
        RuleView v;
        v.route = {Kind::Ingress, info.ingress->meta.ns, info.ingress->meta.name};
        v.entry = "IngressClass " + info.className + " (" + c.settings.controllerClass + ")";
        v.entryId = "class/" + info.className;
        v.rule = ri;
        v.pathIndex = pi;
        if (ri >= 0) {
            const auto& rule = info.ingress->rules[static_cast<std::size_t>(ri)];
            const auto& p = rule.paths[static_cast<std::size_t>(pi)];
            v.host = rule.host;
            v.path = p.path.empty() ? "/" : p.path;
            v.pathType = pathTypeName(p.pathType);
        } else {
            v.path = "(default backend)";
        }
        return v;
    };
    auto locationOf = [&](std::uint32_t ingress, int ri, int pi) -> std::pair<const Server*, const Location*> {
        for (const Server& s : c.servers)
            for (const Location& l : s.locations)
                if (l.ingress == ingress && l.rule == ri && l.pathIndex == pi && !l.exactTwin) return {&s, &l};
        return {nullptr, nullptr};
    };
    for (std::uint32_t i = 0; i < c.ingresses.size(); ++i) {
        const IngressInfo& info = c.ingresses[i];
        const Ingress& ing = *info.ingress;
        if (ing.defaultBackend && ing.defaultBackend->service) {
            RuleView v = base(info, -1, -1);
            std::string name = ing.meta.ns + "-" + ing.defaultBackend->service->name + "-" +
                (ing.defaultBackend->service->port.number ? std::to_string(ing.defaultBackend->service->port.number)
                                                          : ing.defaultBackend->service->port.name);
            if (std::uint32_t up = c.upstreamIndex(name); up != kNone)
                v.backends.push_back(upstreamView(c.upstreams[up]));
            if (!v.backends.empty() && v.backends.front().endpoints.empty()) {
                v.status = RuleView::Status::Broken;
                v.reason = v.backends.front().problem;
            }
            out.push_back(std::move(v));
        }
        for (std::size_t ri = 0; ri < ing.rules.size(); ++ri)
            for (std::size_t pi = 0; pi < ing.rules[ri].paths.size(); ++pi) {
                const auto& path = ing.rules[ri].paths[pi];
                RuleView v = base(info, static_cast<int>(ri), static_cast<int>(pi));
                if (!path.backend.service) {
                    v.status = RuleView::Status::Broken;
                    v.reason = "resource backend: ingress-nginx uses the default backend";
                    out.push_back(std::move(v));
                    continue;
                }
                std::string name = ing.meta.ns + "-" + path.backend.service->name + "-" +
                    (path.backend.service->port.number ? std::to_string(path.backend.service->port.number)
                                                       : path.backend.service->port.name);
                std::uint32_t up = c.upstreamIndex(name);
                if (info.canary) {
                    // A canary carries traffic through its primary's location.
                    bool merged = false;
                    std::string share;
                    for (const Upstream& u : c.upstreams)
                        if (!u.alternatives.empty() && u.alternatives.front() == up) merged = true;
                    if (up != kNone) {
                        BackendView b = upstreamView(c.upstreams[up]);
                        b.canary = true;
                        const auto& tp = c.upstreams[up].trafficShaping;
                        b.label = "canary";
                        if (!tp.header.empty()) b.label += " header " + tp.header;
                        if (tp.weight > 0)
                            b.label += " " + std::to_string(tp.weight * 100 / std::max(100, tp.weightTotal)) + "%";
                        v.backends.push_back(std::move(b));
                    }
                    if (!merged) {
                        v.status = RuleView::Status::Broken;
                        v.reason = "canary without a primary location with the same host, path and pathType: discarded";
                    }
                    out.push_back(std::move(v));
                    continue;
                }
                auto [server, loc] = locationOf(i, static_cast<int>(ri), static_cast<int>(pi));
                if (!loc) {
                    v.status = RuleView::Status::Shadowed;
                    for (const auto& sk : c.skipped)
                        if (sk.ingress == i && sk.rule == static_cast<int>(ri) && sk.pathIndex == static_cast<int>(pi))
                            v.reason =
                                "the older Ingress " + sk.owner + " already defines " + sk.path + " on " + sk.host;
                    if (v.reason.empty()) v.reason = "not used by the controller";
                    out.push_back(std::move(v));
                    continue;
                }
                const Upstream& u = c.upstreams[loc->upstream];
                v.backends.push_back(upstreamView(u));
                for (std::size_t a = 0; a < u.alternatives.size(); ++a) {
                    BackendView b = upstreamView(c.upstreams[u.alternatives[a]]);
                    b.canary = true;
                    b.label = a == 0 ? "canary" : "canary (unused: only the first counts)";
                    v.backends.push_back(std::move(b));
                }
                if (loc->usesCustomDefault && loc->customDefaultUpstream != kNone) {
                    BackendView b = upstreamView(c.upstreams[loc->customDefaultUpstream]);
                    b.label = "default-backend (no endpoints)";
                    v.backends.push_back(std::move(b));
                } else if (u.backend.endpoints.empty()) {
                    v.status = RuleView::Status::Broken;
                    v.reason = u.backend.problem.empty() ? "no endpoints" : u.backend.problem;
                }
                out.push_back(std::move(v));
            }
    }
    for (const auto& ig : c.ignored)
        for (std::size_t ri = 0; ri < ig.ingress->rules.size(); ++ri)
            for (std::size_t pi = 0; pi < ig.ingress->rules[ri].paths.size(); ++pi) {
                const auto& rule = ig.ingress->rules[ri];
                RuleView v;
                v.route = {Kind::Ingress, ig.ingress->meta.ns, ig.ingress->meta.name};
                std::string cls = ig.ingress->ingressClassName.value_or("");
                v.entry = cls.empty() ? "no IngressClass" : "IngressClass " + cls;
                v.entryId = "class/" + cls;
                v.host = rule.host;
                v.path = rule.paths[pi].path.empty() ? "/" : rule.paths[pi].path;
                v.pathType = pathTypeName(rule.paths[pi].pathType);
                v.rule = static_cast<int>(ri);
                v.pathIndex = static_cast<int>(pi);
                v.status = RuleView::Status::NotServed;
                v.reason = ig.reason;
                out.push_back(std::move(v));
            }
    return out;
}

// ---- routing ----------------------------------------------------------------------------------

Session::Session(std::shared_ptr<const Table> t, std::uint64_t seed) : t_(std::move(t)), rng_(seed) {
    balancers_.resize(t_->cfg().upstreams.size());
    md_ = pcre2_match_data_create(32, nullptr);
}

Session::~Session() { pcre2_match_data_free(md_); }

Balancer* Session::balancer(std::uint32_t up) {
    auto& b = balancers_[up];
    if (!b) {
        const Upstream& u = t_->cfg().upstreams[up];
        if (u.backend.endpoints.empty()) return nullptr;
        b = Balancer::create(u.balancer, u.backend.endpoints, rng_, ewma_);
    }
    return b.get();
}

void Session::observe(const Decision& d, double rtt, double now) {
    // Only EWMA balancers learn from responses; replays call this once per request (fast path).
    if (!t_->anyEwma() || d.upstream.empty() || d.endpoint.empty()) return;
    std::uint32_t up = t_->cfg().upstreamIndex(d.upstream);
    if (up == kNone || !balancers_[up]) return;
    const auto& keys = balancers_[up]->endpointKeys();
    for (std::size_t i = 0; i < keys.size(); ++i)
        if (keys[i] == d.endpoint) balancers_[up]->observe(i, rtt, now);
}

bool Session::nameRoute(std::uint64_t ref, Decision& d) const {
    if (!ref) return false;
    const Table& t = *t_;
    const Config& c = t.cfg();
    const std::uint64_t si = (ref >> 48) - 1, li = (ref >> 32) & 0xFFFF, up = (ref >> 16) & 0xFFFF, ep = ref & 0xFFFF;
    if (si >= c.servers.size() || li >= t.idx(static_cast<std::uint32_t>(si)).hotLoc.size() || up >= c.upstreams.size())
        return false;
    const ServerIndex& sx = t.idx(static_cast<std::uint32_t>(si));
    const HotLocation& hl = sx.hotLoc[li];
    const char* hot = sx.hot.data() + hl.off;
    const HotUpstream& hu = t.hotUpstream(static_cast<std::uint32_t>(up));
    if (ep >= c.upstreams[up].backend.endpoints.size()) return false;
    const HotEndpoint& he = t.hotEndpoint(hu, static_cast<std::size_t>(ep));
    setText(d.server, std::string_view(sx.hot.data(), sx.hostnameLen));
    setText(d.location, std::string_view(hot, hl.rendered));
    if (hl.ingress != kNone)
        setText(d.ingress, std::string_view(hot + hl.rendered, hl.key));
    else
        d.ingress.clear();
    setText(d.upstream, t.upStr(hu.off, hu.name));
    setText(d.service, t.upStr(hu.off + hu.name, hu.key));
    setText(d.endpoint, t.upStr(he.off, he.hostPort));
    setText(d.pod, t.upStr(he.off + he.hostPort, he.pod));
    return true;
}

void Session::requestStarted(const Decision& d, const Request& r) {
    if (!d.ingress.empty()) ++connections_[d.ingress + "|" + r.clientIP];
}
void Session::requestFinished(const Decision& d, const Request& r) {
    if (d.ingress.empty()) return;
    auto it = connections_.find(d.ingress + "|" + r.clientIP);
    if (it != connections_.end() && --it->second <= 0) connections_.erase(it);
}

bool Session::rateLimited(const IngressInfo& info, const Annotations& a, const Request& r, std::string& why) {
    if (a.limitConnections <= 0 && a.limitRPS <= 0 && a.limitRPM <= 0) return false;
    for (const Cidr& c : a.limitAllowList)
        if (c.contains(r.clientIP)) return false;
    if (a.limitConnections > 0) {
        auto it = connections_.find(info.key + "|" + r.clientIP);
        int open = it == connections_.end() ? 0 : it->second;
        if (open >= a.limitConnections) {
            why = "limit-connections " + std::to_string(a.limitConnections) + ": client " + r.clientIP +
                " already has " + std::to_string(open) + " open";
            return true;
        }
    }
    // limit_req with burst = limit × multiplier, nodelay (nginx's leaky bucket)
    double now = static_cast<double>(r.timeNs) / 1e9;
    auto check = [&](const char* kind, int limit, double perSecond) {
        if (limit <= 0) return false;
        // The key is built in a reused buffer; a map node is allocated only for a new client (fast path).
        bucketKey_.assign(info.key).append(1, '|').append(kind).append(1, '|').append(r.clientIP);
        auto found = buckets_.find(bucketKey_);
        Bucket& b = found != buckets_.end() ? found->second : buckets_[bucketKey_];
        double burst = static_cast<double>(limit) * a.limitBurstMultiplier;
        double excess = b.last < 0 ? 0 : std::max(0.0, b.excess - perSecond * std::max(0.0, now - b.last)) + 1;
        if (b.last < 0) excess = 0;
        if (excess > burst) {
            why = std::string(kind) + " " + std::to_string(limit) + " (burst " +
                std::to_string(static_cast<int>(burst)) + ") exceeded by client " + r.clientIP;
            return true;
        }
        b.excess = excess;
        b.last = now;
        return false;
    };
    return check("limit-rps", a.limitRPS, a.limitRPS) || check("limit-rpm", a.limitRPM, a.limitRPM / 60.0);
}

// ngx_http_validate_host: two dots in a row anywhere (also a trailing "..", which the request's
// hostName() would strip), a path separator or NUL make nginx answer 400; so does a host that is
// empty once the port and one trailing dot are removed (":80", ".").
// Fixed after the differential test: `Host: shop.example.com..` was routed to shop.example.com.
bool validNginxHost(std::string_view h) {
    std::size_t hostLen = h.size(), dot = h.size();
    bool literal = false, rest = false;
    for (std::size_t i = 0; i < h.size(); ++i) {
        char c = h[i];
        if (c == '.') {
            if (dot + 1 == i) return false;
            dot = i;
        } else if (c == ':') {
            if (!literal && !rest) {
                hostLen = i;
                rest = true;
            }
        } else if (c == '[') {
            if (i == 0) literal = true;
        } else if (c == ']') {
            if (literal && !rest) {
                hostLen = i + 1;
                literal = false;
                rest = true;
            }
        } else if (c == '\0' || c == '/' || c == '\\') {
            return false;
        }
    }
    if (dot + 1 == hostLen) --hostLen;
    return hostLen > 0;
}

constexpr std::size_t kMaxRequestLine = 8192;

// Splits an absolute-form request-target (scheme "://" authority [path]) the way nginx's request
// line parser does; `out` becomes `r` with the origin-form target ("/" when the path is empty).
bool splitAbsoluteForm(std::string_view target, std::string_view& authority, Request& out, const Request& r) {
    std::size_t i = 0;
    while (i < target.size() &&
           (std::isalnum(static_cast<unsigned char>(target[i])) || target[i] == '+' || target[i] == '-' ||
            target[i] == '.'))
        ++i;
    if (i == 0 || !std::isalpha(static_cast<unsigned char>(target[0])) || target.compare(i, 3, "://") != 0)
        return false;
    std::string_view rest = target.substr(i + 3);
    std::size_t end = rest.find_first_of("/?");
    authority = rest.substr(0, end);
    std::string_view path = end == std::string_view::npos ? std::string_view() : rest.substr(end);
    out = r;
    out.target.clear();
    if (path.empty() || path.front() != '/') out.target.push_back('/');
    out.target.append(path);
    return true;
}

// The host of an absolute-form target: nginx's request line parser takes letters, digits, '.' and
// '-' (or an IPv6 literal in brackets) and an optional numeric port, then validates it like a Host
// header. `http://a_b.example.com/` is a 400 although `Host: a_b.example.com` is fine.
bool validTargetHost(std::string_view a) {
    std::size_t i = 0;
    if (!a.empty() && a.front() == '[') {
        i = a.find(']');
        if (i == std::string_view::npos) return false;
        ++i;
    } else {
        while (i < a.size() && (std::isalnum(static_cast<unsigned char>(a[i])) || a[i] == '.' || a[i] == '-')) ++i;
    }
    if (i < a.size()) {
        if (a[i] != ':') return false;
        for (std::size_t k = i + 1; k < a.size(); ++k)
            if (!std::isdigit(static_cast<unsigned char>(a[k]))) return false;
    }
    return validNginxHost(a);
}

// ngx_escape_uri's tables: URI escapes space, #, %, ?, controls and bytes >= 0x7f; ARGS also
// &, + and ;. Upper-case hex, as nginx writes it.
enum class EscapeSet { Uri, Args };
void escapeNginx(std::string_view in, EscapeSet set, std::string& out) {
    static const char* hex = "0123456789ABCDEF";
    for (char ch : in) {
        auto c = static_cast<unsigned char>(ch);
        bool esc = c < 0x20 || c >= 0x7f || ch == ' ' || ch == '#' || ch == '%' || ch == '?' ||
            (set == EscapeSet::Args && (ch == '&' || ch == '+' || ch == ';'));
        if (!esc) {
            out.push_back(ch);
            continue;
        }
        out.push_back('%');
        out.push_back(hex[c >> 4]);
        out.push_back(hex[c & 15]);
    }
}

// ngx_unescape_uri(NGX_UNESCAPE_REDIRECT) in place, up to the first '?': %XX becomes its
// character only when that is printable and above '%'; everything else stays as written.
void unescapeForRedirect(std::string& s) {
    auto hexValue = [](char c) {
        if (c >= '0' && c <= '9') return c - '0';
        c = static_cast<char>(c | 0x20);
        return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    };
    std::size_t w = 0;
    std::size_t end = s.find('?');
    if (end == std::string::npos) end = s.size();
    for (std::size_t i = 0; i < end; ++i) {
        if (s[i] == '%' && i + 2 < end) {
            int hi = hexValue(s[i + 1]), lo = hexValue(s[i + 2]);
            if (hi >= 0 && lo >= 0) {
                int ch = hi * 16 + lo;
                if (ch > '%' && ch < 0x7f) {
                    s[w++] = static_cast<char>(ch);
                    i += 2;
                    continue;
                }
            }
        }
        s[w++] = s[i];
    }
    if (w != end) s.erase(w, end - w);
}

std::string ingressRef(const Config& c, std::uint32_t ingress) {
    return ingress == kNone ? std::string("the controller") : c.ingresses[ingress].key;
}

const HTTPIngressPath* ingressPath(const Config& c, const Location& l) {
    if (l.ingress == kNone || l.rule < 0) return nullptr;
    const Ingress& ing = *c.ingresses[l.ingress].ingress;
    return &ing.rules[static_cast<std::size_t>(l.rule)].paths[static_cast<std::size_t>(l.pathIndex)];
}

// Why an Ingress path does not take a request path, in the Ingress's own terms.
std::string whyNot(const Location& l, std::string_view uri, bool regexMode) {
    if (regexMode) return "~* \"^" + l.path + "\" does not match " + std::string(uri);
    std::string_view p = l.ingressPath.empty() ? std::string_view("/") : std::string_view(l.ingressPath);
    if (l.pathType == PathType::Exact) return "Exact " + std::string(p) + " takes only " + std::string(p) + " itself";
    if (l.ingressPathType == PathType::Prefix) {
        // element-wise comparison
        std::string_view a = p, b = uri;
        while (!a.empty() && a.back() == '/') a.remove_suffix(1);
        std::size_t ai = 0, bi = 0;
        while (true) {
            while (ai < a.size() && a[ai] == '/') ++ai;
            while (bi < b.size() && b[bi] == '/') ++bi;
            if (ai >= a.size()) break;
            std::size_t ae = a.find('/', ai), be = b.find('/', bi);
            std::string_view ea = a.substr(ai, ae == std::string_view::npos ? std::string_view::npos : ae - ai);
            if (bi >= b.size())
                return "Prefix " + std::string(p) + " needs element `" + std::string(ea) + "`, " + std::string(uri) +
                    " has no more";
            std::string_view eb = b.substr(bi, be == std::string_view::npos ? std::string_view::npos : be - bi);
            if (ea != eb)
                return "Prefix " + std::string(p) + " does not match " + std::string(uri) + ": element `" +
                    std::string(eb) + "` ≠ `" + std::string(ea) + "`";
            ai = ae == std::string_view::npos ? a.size() : ae;
            bi = be == std::string_view::npos ? b.size() : be;
        }
        return "Prefix " + std::string(p) + " matches, but a longer or exact location wins";
    }
    if (uri.substr(0, l.path.size()) == l.path)
        return "string prefix " + l.path + " matches, but a longer location wins";
    return "string prefix " + l.path + " is not a prefix of " + std::string(uri);
}

void describeLocation(const Config& c, const Location& l, bool regexMode, std::string& out) {
    out = "location " + l.render(regexMode);
    if (l.special == SpecialLocation::Healthz)
        out += " (the controller's health check)";
    else if (l.special == SpecialLocation::NginxStatus)
        out += " (the controller's status page)";
    else if (l.isDefBackend)
        out += " (the server's default: " +
            (l.ingress == kNone ? std::string("controller default backend")
                                : "default backend of " + c.ingresses[l.ingress].key) +
            ")";
    else if (l.ingress != kNone) {
        out += " ← ";
        out += pathTypeName(l.ingressPathType);
        out +=
            " " + (l.ingressPath.empty() ? std::string("/") : l.ingressPath) + " (" + c.ingresses[l.ingress].key + ")";
        if (l.exactTwin) out += " [exact twin]";
    }
}

void Session::route(const Request& request, Decision& d, const RouteOptions& o) {
    d.clear();
    const Table& t = *t_;
    const Config& c = t.cfg();
    const bool ex = o.explain;
    const bool describe = o.describe || ex;  // RouteOptions::describe: the fields only a reader of the Decision needs
    if (describe) d.profile = "ingress-nginx";
    // The route's names (server, location, Ingress, upstream, Service, endpoint, Pod), written at
    // once, or with RouteOptions::names off when the decision ends without a routeRef (every answer
    // but a proxied one): a proxied decision's routeRef names them (Session::nameRoute).
    class RouteNames {
    public:
        RouteNames(Decision& d, bool defer) : d_(d), defer_(defer) {}  // pending_ left uninitialised
        RouteNames(const RouteNames&) = delete;
        RouteNames& operator=(const RouteNames&) = delete;
        [[gnu::always_inline]] void set(std::string& field, std::string_view v) {
            if (defer_)
                pending_[n_++] = {&field, v.data(), v.size()};
            else
                setText(field, v);
        }
        ~RouteNames() {
            if (d_.routeRef) return;
            for (std::size_t i = 0; i < n_; ++i) setText(*pending_[i].field, {pending_[i].data, pending_[i].size});
        }

    private:
        struct Pending {
            std::string* field;
            const char* data;
            std::size_t size;
        };
        Decision& d_;
        const bool defer_;
        std::size_t n_ = 0;
        Pending pending_[7];  // one per name
    } names(d, !o.names && !describe);

    // nginx reads the request line into large_client_header_buffers (ingress-nginx's default
    // 4 8k): a line longer than 8192 bytes with its CRLF is answered 414 before anything else.
    // Fixed after the differential test: an 8178-byte target was routed.
    if (request.method.size() + 1 + request.target.size() + std::string_view(" HTTP/1.1\r\n").size() >
        kMaxRequestLine) {
        d.outcome = Outcome::BadRequest;
        d.status = 414;
        if (ex) {
            Hop& h = d.addHop(Stage::Path);
            h.decision = "414 Request-URI Too Large";
            h.reason = "the request line is longer than nginx's large header buffer (8k, large-client-header-buffers)";
        }
        return;
    }
    // An absolute-form target ("GET http://h/p HTTP/1.1", as proxies send it): nginx takes the
    // server name from it instead of the Host header and routes the rest as the URI; $http_host
    // (app-root, the HTTPS redirect) stays the header. Fixed after the differential test:
    // `GET http://shop.example.com/api/x` was a 400 ("does not start with /").
    std::string_view authority;
    const bool absoluteForm = splitAbsoluteForm(request.target, authority, absolute_, request);
    const Request& r = absoluteForm ? absolute_ : request;

    // scheme as the controller sees it (X-Forwarded-Proto with use-forwarded-headers)
    std::string_view scheme = r.scheme;
    if (c.settings.useForwardedHeaders)
        if (const std::string* p = r.header("X-Forwarded-Proto")) scheme = *p;

    // --- host -------------------------------------------------------------------------------
    const RecentMemo<HostSeen>::Lookup seen = absoluteForm ? RecentMemo<HostSeen>::Lookup{} : hostMemo_.lookup(r.host);
    const HostSeen* memo = seen.hit;
    if (memo) {
        setText(host_, memo->host);
    } else if (absoluteForm) {
        Request named;  // the name in the target, lower-cased, without port (rare: may allocate)
        named.host.assign(authority);
        host_ = named.hostName();
    } else {
        // nginx's $host: lowercased, without port and trailing dot (no allocation once grown)
        std::string_view h = r.host;
        if (!h.empty() && h.front() == '[') {
            auto close = h.find(']');
            if (close != std::string_view::npos) h = h.substr(0, close + 1);
        } else if (auto colon = h.rfind(':'); colon != std::string_view::npos) {
            h = h.substr(0, colon);
        }
        while (!h.empty() && h.back() == '.') h.remove_suffix(1);
        host_.assign(h);
        for (char& ch : host_)
            if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
    }
    // remembers this Host header's results (valid, server) when the memo admits it
    auto remember = [&](bool valid, std::uint32_t server) {
        if (!seen.admit) return;
        HostSeen& m = hostMemo_.remember(r.host);
        m.host.assign(host_);
        m.valid = valid;
        m.server = server;
    };
    bool hostValid;
    if (memo)
        hostValid = memo->valid;
    else
        hostValid = absoluteForm ? validTargetHost(authority) : r.host.empty() || validNginxHost(r.host);
    if (!hostValid) {
        remember(false, 0);
        d.outcome = Outcome::BadRequest;
        d.status = 400;
        if (ex) {
            Hop& h = d.addHop(Stage::Host);
            h.decision = "400 Bad Request";
            h.reason = "nginx rejects the Host header \"" + r.host + "\" (invalid host)";
        }
        return;
    }
    std::uint32_t si;
    if (memo) {
        si = memo->server;
    } else {
        si = t.findServer(host_);
        remember(true, si);
    }
    const Server& server = c.servers[si];  // read only when explaining or off the fast path
    const ServerIndex& sx = t.idx(si);
    const std::string_view serverName(sx.hot.data(), sx.hostnameLen);
    names.set(d.server, serverName);

    const bool https = std::string_view(r.scheme) == "https";  // (std::string == "…" calls strlen and compare)
    if (https) {
        // SNI picks the certificate; Host picks the route (A.6).
        // Without an SNI of its own the certificate's server is the host's, found already: no
        // second lookup (replay fast path).
        if (!r.sni.empty()) {
            tmp_.assign(r.sni);
            for (char& ch : tmp_)
                if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
        }
        const std::string& sni = r.sni.empty() ? host_ : tmp_;
        const std::uint32_t ssi = r.sni.empty() ? si : t.findServer(sni);
        const Server& ss = c.servers[ssi];
        const ServerIndex& ssx = t.idx(ssi);
        bool own = ssx.ownCertificate;
        if (describe) {
            if (own)
                d.tlsCertificate.assign(ssx.hot.data() + ssx.hostnameLen, ssx.certificateLen);
            else
                d.tlsCertificate = "default";
        }
        if (ex) {
            Hop& h = d.addHop(Stage::Tls);
            h.decision = "certificate " + d.tlsCertificate;
            h.reason = own ? ss.certificateReason
                           : "no Ingress has TLS for " + (sni.empty() ? std::string("a request without SNI") : sni) +
                    ": the controller's default (self-signed) certificate";
        }
    }
    if (ex) {
        Hop& h = d.addHop(Stage::Host);
        if (server.isCatchAll()) {
            h.decision = "server _ (catch-all)";
            h.reason = host_.empty() ? "the request has no Host header: the default server answers"
                                     : "no Ingress rule names host " + host_ +
                    ": the catch-all server answers (hostless rules and the default backend)";
        } else if (server.isWildcard()) {
            h.decision = "server " + server.hostname;
            h.reason = host_ + " matches the wildcard " + server.hostname + " (exactly one label in front)";
            h.departure = "ingress-nginx compares hosts case-insensitively and ignores the port";
        } else {
            h.decision = "server " + server.hostname;
            h.reason = "exact server name " + server.hostname +
                (server.creator != kNone
                     ? " (created by " + c.ingresses[server.creator].key + ", the oldest Ingress with this host)"
                     : "");
        }
        if (absoluteForm)
            h.reason +=
                "; the host comes from the absolute-form request target, which nginx prefers to the Host header";
        // Rejected candidates matter when the request did not find its own exact server.
        if (server.isCatchAll() || server.isWildcard()) {
            auto dot = host_.find('.');
            std::string parent = dot == std::string::npos ? host_ : host_.substr(dot);
            for (const Server& other : c.servers) {
                if (&other == &server || other.isCatchAll()) continue;
                if (other.isWildcard()) {
                    std::string suffix = other.hostname.substr(1);
                    if (host_.size() > suffix.size() &&
                        host_.compare(host_.size() - suffix.size(), suffix.size(), suffix) == 0)
                        h.rejected.push_back({other.hostname,
                                              "a wildcard covers exactly one label; " + host_ +
                                                  " has more in front of " + suffix.substr(1)});
                    else if (host_ == suffix.substr(1))
                        h.rejected.push_back(
                            {other.hostname,
                             "a wildcard needs a label in front: it does not cover " + suffix.substr(1) + " itself"});
                } else if (!host_.empty() && iequals(other.hostname, host_)) {
                    h.rejected.push_back({other.hostname, "differs only in case"});
                } else if (!host_.empty() && other.hostname.size() > parent.size() &&
                           other.hostname.compare(other.hostname.size() - parent.size(), parent.size(), parent) == 0 &&
                           h.rejected.size() < 6) {
                    h.rejected.push_back({other.hostname, "a different name in " + parent.substr(1)});
                }
            }
        }
        if (server.isCatchAll())
            for (const auto& ig : c.ignored)
                for (const auto& rule : ig.ingress->rules)
                    if (!rule.host.empty() && iequals(rule.host, host_))
                        h.rejected.push_back(
                            {"host " + rule.host + " (" + ig.ingress->meta.key() + ")", "not served: " + ig.reason});
    }

    // --- URI --------------------------------------------------------------------------------
    UriError ue = normalizeUri(r.path(), uri_);
    if (ue != UriError::None) {
        d.outcome = Outcome::BadRequest;
        d.status = 400;
        if (ex) {
            Hop& h = d.addHop(Stage::Path);
            h.decision = "400 Bad Request";
            h.reason = std::string("nginx rejects the request: ") + uriErrorText(ue);
        }
        return;
    }

    // --- app-root (server level, before any location) --------------------------------------
    if (sx.appRoot != kNone && uri_ == "/") {
        const Location& l = server.locations[sx.appRoot];
        d.outcome = Outcome::Redirect;
        d.status = 302;
        d.redirectLocation = std::string(scheme) + "://" + r.host + l.ann->appRoot;
        d.ingress = ingressRef(c, l.ingress);
        if (ex) {
            Hop& h = d.addHop(Stage::Annotation);
            h.decision = "302 → " + d.redirectLocation;
            h.reason = "app-root " + l.ann->appRoot + " (" + d.ingress + ") redirects requests for exactly / on " +
                server.hostname + ", before any location is chosen";
        }
        return;
    }

    // --- location ---------------------------------------------------------------------------
    std::uint32_t li = kNone;
    StaticMatch sm;
    if (sx.regexMode) {
        for (std::uint32_t i = 0; i < server.locations.size(); ++i)
            if (sx.regexes[i].match(uri_, md_)) {
                li = i;
                break;
            }
    } else {
        sm = findStatic(sx.flat, uri_);
        li = sm.location;
    }
    if (sm.kind == StaticMatch::AutoRedirect) {
        const Location& l = server.locations[li];
        d.outcome = Outcome::Redirect;
        d.status = 301;
        d.redirectLocation = std::string(r.scheme) + "://" + (host_.empty() ? server.hostname : host_) + uri_ + "/";
        if (!r.query().empty()) d.redirectLocation += "?" + std::string(r.query());
        d.ingress = ingressRef(c, l.ingress);
        if (const HTTPIngressPath* p = ingressPath(c, l)) {
            d.path = p->path;
            d.pathType = pathTypeName(p->pathType);
        }
        d.location = l.render(false);
        if (ex) {
            Hop& h = d.addHop(Stage::Path);
            h.decision = "301 → " + d.redirectLocation;
            std::string desc;
            describeLocation(c, l, false, desc);
            h.reason = "nginx has " + desc + ", whose name is this path plus a slash, and no location for " + uri_ +
                " itself: it answers 301 to add the slash";
            h.departure = "ingress-nginx answers 301 here; the Ingress spec would match the path";
        }
        return;
    }
    if (li == kNone) {
        d.outcome = Outcome::DefaultBackend;
        d.status = 404;
        if (ex) {
            Hop& h = d.addHop(Stage::Path);
            h.decision = "no location";
            h.reason = "no location of server " + server.hostname + " matches " + uri_ +
                " (regex mode: every location is a regex and none matched)";
        }
        return;
    }
    const Location& loc = sx.locations[li];  // read only when explaining or off the fast path
    const HotLocation& hl = sx.hotLoc[li];
    const char* hot = sx.hot.data() + hl.off;
    const IngressInfo* info = hl.ingress != kNone ? &c.ingresses[hl.ingress] : nullptr;
    names.set(d.location, std::string_view(hot, hl.rendered));
    if (info) {
        names.set(d.ingress, std::string_view(hot + hl.rendered, hl.key));
        if (describe) {
            d.routeKind = "Ingress";
            if (sx.catchAll)
                d.host.clear();
            else
                d.host = serverName;
        }
    }
    if (hl.hasPath && describe) {
        d.path.assign(hot + hl.rendered + hl.key, hl.path);
        d.pathType = pathTypeName(hl.pathType);
    }
    const std::string_view locPath(hot + hl.rendered + hl.key + hl.path, hl.locPath);
    if (ex) {
        Hop& h = d.addHop(Stage::Path);
        std::string desc;
        describeLocation(c, loc, server.regexMode, desc);
        h.decision = desc;
        if (server.regexMode)
            h.reason = "regex mode on host " + server.hostname + " because " + server.regexCause +
                ": every location is a case-insensitive regex anchored at the start, tried longest first; the first match wins";
        else if (sm.kind == StaticMatch::Exact)
            h.reason = "exact location = " + loc.path + " equals the path";
        else
            h.reason = "the longest prefix location that starts " + uri_;
        if (server.regexMode)
            h.departure =
                "ingress-nginx regex mode: paths match case-insensitively as regex prefixes; the Ingress spec's Exact/Prefix rules do not apply on this host";
        else if (loc.ingressPathType == PathType::ImplementationSpecific && !loc.isDefBackend)
            h.departure =
                "ImplementationSpecific: ingress-nginx uses a plain string prefix (so /foo also takes /foobar)";
        for (std::uint32_t i = 0; i < server.locations.size(); ++i) {
            if (i == li) continue;
            const Location& other = server.locations[i];
            if (other.special != SpecialLocation::None || other.exactTwin) continue;
            std::string what;
            describeLocation(c, other, server.regexMode, what);
            std::string why;
            if (server.regexMode) {
                bool m = sx.regexes[i].match(uri_, md_) > 0;
                why =
                    m ? "matches too, but comes later in regex order (longest paths first)" : whyNot(other, uri_, true);
                if (!sx.regexes[i].error.empty()) why = "invalid regex: " + sx.regexes[i].error;
            } else {
                why = whyNot(other, uri_, false);
            }
            h.rejected.push_back({what.substr(9), why});
        }
    }

    // special controller locations
    if (hl.special == SpecialLocation::Healthz) {
        d.outcome = Outcome::DefaultBackend;
        d.status = 200;
        if (ex)
            d.hops.back().reason =
                "the catch-all server's " + loc.path + " is the controller's own health check: it answers 200";
        return;
    }
    if (hl.special == SpecialLocation::NginxStatus) {
        bool local = r.clientIP == "127.0.0.1" || r.clientIP == "::1";
        d.outcome = local ? Outcome::DefaultBackend : Outcome::Denied;
        d.status = local ? 200 : 403;
        if (ex) d.hops.back().reason = "/nginx_status is the controller's status page, open to 127.0.0.1 only";
        return;
    }

    // `ann` only when it acts in the rewrite, preaccess or access phases (HotLocation::plain);
    // the HTTPS redirect below reads the location's annotations itself.
    const Annotations* ann = hl.plain ? nullptr : loc.ann;
    // --- location rewrite phase: denied, return (redirect annotations), rewrite -------------
    if (ann && !ann->deniedReason.empty()) {
        d.outcome = Outcome::Denied;
        d.status = 503;
        if (ex) {
            Hop& h = d.addHop(Stage::Annotation);
            h.decision = "503 (location denied)";
            h.reason = "ingress-nginx denies the location because an annotation is invalid: " + ann->deniedReason;
        }
        return;
    }
    if (ann && (!ann->temporalRedirect.empty() || !ann->permanentRedirect.empty())) {
        bool temporal = !ann->temporalRedirect.empty();
        d.outcome = Outcome::Redirect;
        d.status = temporal ? ann->temporalRedirectCode : ann->permanentRedirectCode;
        d.redirectLocation = temporal ? ann->temporalRedirect : ann->permanentRedirect;
        if (ex) {
            Hop& h = d.addHop(Stage::Annotation);
            h.decision = std::to_string(d.status) + " → " + d.redirectLocation;
            h.reason = std::string(temporal ? "temporal-redirect" : "permanent-redirect") + " (" + d.ingress + ")" +
                (temporal && !ann->permanentRedirect.empty() ? "; it wins over permanent-redirect" : "") +
                "; nginx returns it before the HTTPS redirect and before any upstream";
        }
        return;
    }
    bool rewritten = false;
    if (ann && !ann->rewriteTarget.empty() && ann->rewriteTarget != loc.path && sx.rewrites[li].code) {
        int rc = sx.rewrites[li].match(uri_, md_);
        if (rc > 0) {
            // nginx's rewrite, as ngx_http_script_regex_start/end_code and the proxy module run it
            // (fixed after the differential test; each step names the request that exposed it):
            //  - a final `?` in the replacement is dropped and stops the request's arguments from
            //    being appended;
            //  - the first `?` of the replacement starts the new arguments; the request's own are
            //    appended after `&`;
            //  - captures copied into arguments or into a redirect are escaped (ARGS set) when the
            //    request path was percent-encoded or had a `+`;
            //  - a redirect's Location is unescaped again for printable characters above `%`, then
            //    gets the request's arguments (`/go/(.*)` → `https://elsewhere.test/$1`:
            //    `/go/X?x=1` → `https://elsewhere.test/X?x=1`, `/go/a%20b` → `.../a%20b`);
            //  - the rewritten URI is sent upstream escaped (URI set: space, #, %, ?, controls,
            //    bytes ≥ 0x7f) because a rewrite marks the request internal
            //    (`/api(/|$)(.*)` → `/$2`: `/api/a%20b` is sent as `/a%20b`, not `/a b`).
            PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md_);
            std::string& out = tmp_;
            out.clear();
            std::string_view target = ann->rewriteTarget;
            bool addArgs = true;
            if (target.size() > 1 && target.back() == '?') {
                target.remove_suffix(1);
                addArgs = false;
            }
            const bool redirect = target.rfind("http://", 0) == 0 || target.rfind("https://", 0) == 0;
            const std::string_view rawPath = r.path();
            const bool quoted =
                rawPath.find('%') != std::string_view::npos || rawPath.find('+') != std::string_view::npos;
            std::size_t argsAt = std::string::npos;  // where the replacement's own arguments start in `out`
            for (std::size_t i = 0; i < target.size(); ++i) {
                if (target[i] == '$' && i + 1 < target.size() && target[i + 1] >= '0' && target[i + 1] <= '9') {
                    int g = target[i + 1] - '0';
                    if (g < rc && ov[2 * g] != PCRE2_UNSET) {
                        std::string_view cap(uri_.data() + ov[2 * g], ov[2 * g + 1] - ov[2 * g]);
                        if ((redirect || argsAt != std::string::npos) && quoted)
                            escapeNginx(cap, EscapeSet::Args, out);
                        else
                            out.append(cap);
                    }
                    ++i;
                } else if (target[i] == '?' && argsAt == std::string::npos) {
                    if (redirect) out.push_back('?');
                    argsAt = out.size();
                } else {
                    out.push_back(target[i]);
                }
            }
            std::string_view args = r.query();
            if (redirect) {
                unescapeForRedirect(out);
                if (addArgs && !args.empty()) {
                    out.push_back(argsAt != std::string::npos ? '&' : '?');
                    out.append(args);
                }
                d.outcome = Outcome::Redirect;
                d.status = 302;
                d.redirectLocation = out;
                if (ex) {
                    Hop& h = d.addHop(Stage::Annotation);
                    h.decision = "302 → " + out;
                    h.reason = "rewrite-target produces an absolute URL, which nginx's rewrite turns into a redirect";
                }
                return;
            }
            d.upstreamPath.clear();
            escapeNginx(std::string_view(out).substr(0, argsAt), EscapeSet::Uri, d.upstreamPath);
            if (argsAt != std::string::npos) {
                std::string_view own = std::string_view(out).substr(argsAt);
                bool more = addArgs && !args.empty();
                if (!own.empty() || more) d.upstreamPath.push_back('?');
                d.upstreamPath.append(own);
                if (more) {
                    if (!own.empty()) d.upstreamPath.push_back('&');
                    d.upstreamPath.append(args);
                }
            } else if (addArgs && !args.empty()) {
                d.upstreamPath.push_back('?');
                d.upstreamPath.append(args);
            }
            rewritten = true;
            if (ex) {
                Hop& h = d.addHop(Stage::Annotation);
                h.decision = "rewrite " + uri_ + " → " + d.upstreamPath;
                h.reason = "rewrite-target " + ann->rewriteTarget + " with the captures of (?i)" + loc.path + " (" +
                    d.ingress + ")";
            }
        }
    }

    if (absoluteForm && !rewritten) d.upstreamPath = r.target;  // nginx proxies the origin form

    // --- Lua rewrite: HTTPS redirect, then the canary decision ------------------------------
    if (const Annotations* tls = scheme == "http" ? loc.ann : nullptr) {
        bool noTls = std::any_of(t.noTlsLocations().begin(), t.noTlsLocations().end(),
                                 [&](const std::string& p) { return loc.path.rfind(p, 0) == 0; });
        bool cert = t.certificateFor(host_);
        bool redirect = !noTls && (tls->forceSSLRedirect || (tls->sslRedirect && cert));
        if (redirect) {
            std::string requestUri = r.target;
            if (!tls->preserveTrailingSlash && !requestUri.empty() && requestUri.back() == '/') requestUri.pop_back();
            std::string best = r.host;
            if (c.settings.useForwardedHeaders)
                if (const std::string* fh = r.header("X-Forwarded-Host")) best = *fh;
            // The redirect names the host without its port (ROUTING.md B.4), an IPv6 literal
            // included: `Host: [::1]:8080` → https://[::1]/... (lua_ingress.lua splits the Host
            // at its first ':' and would write "https://[").
            std::size_t hostEnd = best.front() == '[' ? best.find(']') : best.find(':');
            if (hostEnd != std::string::npos) best.resize(best.front() == '[' ? hostEnd + 1 : hostEnd);
            d.outcome = Outcome::Redirect;
            d.status = c.settings.httpRedirectCode;
            d.redirectLocation = "https://" + best + requestUri;
            d.upstreamPath.clear();
            if (ex) {
                Hop& h = d.addHop(Stage::Annotation);
                h.decision = std::to_string(d.status) + " → " + d.redirectLocation;
                if (tls->forceSSLRedirect)
                    h.reason = "force-ssl-redirect: plain HTTP always goes to HTTPS";
                else
                    h.reason = "ssl-redirect (on by default): " + server.hostname +
                        " has a TLS certificate configured (" + server.certificateReason + ")";
                h.reason += "; http-redirect-code " + std::to_string(d.status) +
                    (tls->preserveTrailingSlash ? "" : "; a trailing / is dropped unless preserve-trailing-slash");
            }
            return;
        }
        if (ex && noTls && (tls->forceSSLRedirect || (tls->sslRedirect && cert))) {
            Hop& h = d.addHop(Stage::Annotation);
            h.decision = "no HTTPS redirect";
            h.reason =
                "location " + loc.path + " is in no-tls-redirect-locations (ACME challenges must work over HTTP)";
        }
    }

    // --- upstream and canary ----------------------------------------------------------------
    std::uint32_t up = hl.upstream;
    bool customDefault = false;
    if (hl.usesCustomDefault && hl.customDefaultUpstream != kNone) {
        up = hl.customDefaultUpstream;
        customDefault = true;
    }
    // `upstream` is read only when explaining or off the fast path; `hu` has what a route copies.
    const Upstream* upstream = up != kNone ? &c.upstreams[up] : nullptr;
    const HotUpstream* hu = up != kNone ? &t.hotUpstream(up) : nullptr;
    // The default backend answers in the content phase, after the access lists (below): a `/`
    // location carrying its creator's allow list answers 403 to other clients, not 404.
    // Fixed after the differential test: acl.test `/` from 192.168.1.5 was a 404, nginx said 403.
    const bool defaultBackend = !hu || hu->isDefault;

    // canary (balancer.rewrite → route_to_alternative_balancer)
    Balancer* primary = defaultBackend ? nullptr : balancer(up);
    if (primary && hu->hasAlternatives && !customDefault) {
        std::uint32_t altIdx = upstream->alternatives.front();
        const Upstream& alt = c.upstreams[altIdx];
        Balancer* altB = balancer(altIdx);
        const CanaryAnnotations& tp = alt.trafficShaping;
        bool toCanary = false;
        std::string why;
        // d.canaryRule records which rule decided (replay verify tells rolls from rules).
        if (primary->isAffinitized(r)) {
            d.canaryRule = CanaryRule::Affinity;
            why = "the request carries the primary's affinity cookie " + upstream->balancer.affinity.cookieName;
        } else if (!altB) {
            d.canaryRule = CanaryRule::Unavailable;
            why = "the canary upstream " + alt.name + " has no endpoints";
        } else if (altB->isAffinitized(r)) {
            d.canaryRule = CanaryRule::Affinity;
            toCanary = true;
            why = "the request carries the canary's affinity cookie";
        } else {
            bool decided = false;
            const std::string* hv = tp.header.empty() ? nullptr : r.header(tp.header);
            if (hv) {
                if (!tp.headerValue.empty()) {
                    if (*hv == tp.headerValue) {
                        toCanary = decided = true;
                        why = "header " + tp.header + ": " + *hv + " equals canary-by-header-value";
                    }
                } else if (!tp.headerPattern.empty()) {
                    Regex re(tp.headerPattern, false);
                    if (!re.error.empty()) {
                        decided = true;
                        why = "canary-by-header-pattern is not a valid regex (" + re.error + "): primary";
                    } else if (re.match(*hv, md_)) {
                        toCanary = decided = true;
                        why = "header " + tp.header + ": " + *hv + " matches canary-by-header-pattern " +
                            tp.headerPattern;
                    }
                } else if (*hv == "always") {
                    toCanary = decided = true;
                    why = "header " + tp.header + ": always";
                } else if (*hv == "never") {
                    decided = true;
                    why = "header " + tp.header + ": never";
                }
                if (decided) d.canaryRule = CanaryRule::Header;
            }
            if (!decided && !tp.cookie.empty())
                if (auto cv = r.cookie(tp.cookie)) {
                    if (*cv == "always") {
                        toCanary = decided = true;
                        why = "cookie " + tp.cookie + "=always";
                    } else if (*cv == "never") {
                        decided = true;
                        why = "cookie " + tp.cookie + "=never";
                    }
                    if (decided) d.canaryRule = CanaryRule::Cookie;
                }
            if (!decided) {
                int total = tp.weightTotal > 100 ? tp.weightTotal : 100;
                d.canaryRule = CanaryRule::Weight;
                // RouteOptions::choiceKey: a per-request roll, comparable across runs (replay, diff).
                Rng keyed(o.choiceKey);
                auto roll = o.choiceKey ? keyed.range(1, total) : rng_.range(1, total);
                toCanary = roll <= tp.weight;
                if (ex)
                    why = "weight " + std::to_string(tp.weight) + "/" + std::to_string(total) + ": rolled " +
                        std::to_string(roll) + (toCanary ? " ≤ " : " > ") + std::to_string(tp.weight);
            }
        }
        if (ex) {
            Hop& h = d.addHop(Stage::Canary);
            h.decision = toCanary ? "canary " + alt.name : "primary " + upstream->name;
            h.reason = why;
            if (upstream->alternatives.size() > 1) h.reason += " (only the first canary of an upstream is used)";
        }
        if (toCanary) {
            up = altIdx;
            upstream = &alt;
            hu = &t.hotUpstream(altIdx);
            primary = altB;
            d.canary = true;
        }
    }

    // preaccess: rate limits; access: allow/deny lists
    if (ann && info) {
        std::string why;
        if (rateLimited(*info, *ann, r, why)) {
            d.outcome = Outcome::Denied;
            d.status = ann->limitConnections > 0 && why.rfind("limit-connections", 0) == 0
                ? c.settings.limitConnStatusCode
                : c.settings.limitReqStatusCode;
            if (ex) {
                Hop& h = d.addHop(Stage::Annotation);
                h.decision = std::to_string(d.status) + " (rate limited)";
                h.reason = why;
            }
            return;
        }
        if (!ann->allowList.empty()) {
            bool allowed = std::any_of(ann->allowList.begin(), ann->allowList.end(),
                                       [&](const Cidr& cidr) { return cidr.contains(r.clientIP); });
            if (!allowed) {
                d.outcome = Outcome::Denied;
                d.status = 403;
                if (ex) {
                    Hop& h = d.addHop(Stage::Annotation);
                    h.decision = "403 Forbidden";
                    std::string list;
                    for (const auto& cidr : ann->allowList) list += (list.empty() ? "" : ", ") + cidr.text;
                    h.reason = "client " + r.clientIP + " is not in whitelist-source-range " + list;
                }
                return;
            }
            if (ex) {
                Hop& h = d.addHop(Stage::Annotation);
                h.decision = "allowed";
                h.reason = "client " + r.clientIP + " is in the allow list";
            }
        }
        if (std::any_of(ann->denyList.begin(), ann->denyList.end(),
                        [&](const Cidr& cidr) { return cidr.contains(r.clientIP); })) {
            d.outcome = Outcome::Denied;
            d.status = 403;
            if (ex) {
                Hop& h = d.addHop(Stage::Annotation);
                h.decision = "403 Forbidden";
                h.reason = "client " + r.clientIP + " is in denylist-source-range";
            }
            return;
        }
    }

    if (defaultBackend) {
        d.outcome = Outcome::DefaultBackend;
        d.status = 404;
        d.upstream = kDefaultUpstream;
        if (ex) {
            Hop& h = d.addHop(Stage::Service);
            h.decision = "default backend (404)";
            h.reason = server.isCatchAll()
                ? "nothing on the catch-all server matched: the controller's default backend answers 404"
                : "no path of " + server.hostname +
                    " matched: its `/` location uses the default backend, which answers 404 (hostless rules are not consulted once a host has its own server)";
        }
        return;
    }

    // --- service and endpoints ----------------------------------------------------------------
    names.set(d.upstream, t.upStr(hu->off, hu->name));
    names.set(d.service, t.upStr(hu->off + hu->name, hu->key));
    if (hu->hasPort) {
        d.servicePort = hu->port;
        if (describe) d.servicePortName = t.upStr(hu->off + hu->name + hu->key, hu->portName);
    }
    if (ex) {
        Hop& h = d.addHop(Stage::Service);
        h.decision = "Service " + d.service + (d.servicePort ? " port " + std::to_string(d.servicePort) : "") +
            " (upstream " + upstream->name + ")";
        h.reason = std::to_string(upstream->backend.endpoints.size()) + " usable endpoint(s)";
        if (upstream->backend.excluded)
            h.reason +=
                ", " + std::to_string(upstream->backend.excluded) + " excluded (not ready, or no matching port)";
        if (customDefault)
            h.reason = "the rule's Service has no endpoints (" + c.upstreams[loc.upstream].backend.problem +
                "): the default-backend annotation's Service answers instead; " + h.reason;
        if (upstream->backend.externalName)
            h.reason = "ExternalName " + upstream->backend.service->externalName + ": nginx proxies to that name";
        if (upstream->creator != kNone && upstream->creator != loc.ingress && !d.canary)
            h.reason += "; balancing settings come from " + c.ingresses[upstream->creator].key +
                ", the first Ingress to use this Service port";
    }
    if (!primary) {
        d.outcome = Outcome::NoEndpoints;
        d.status = 503;
        if (ex) {
            Hop& h = d.addHop(Stage::Endpoint);
            h.decision = "503 Service Unavailable";
            h.reason = upstream->backend.problem.empty() ? "no endpoints" : upstream->backend.problem;
            if (loc.ann && loc.ann->defaultBackend.empty())
                h.reason += " (a default-backend annotation would serve a fallback instead)";
        }
        return;
    }
    BalanceInput in;
    in.request = &r;
    in.uri = uri_;
    in.host = host_;
    in.serverName = serverName;
    in.locationPath = locPath;
    in.nowSeconds = static_cast<double>(r.timeNs) / 1e9;
    in.https = https;
    in.explain = ex;
    BalanceResult br;
    primary->pick(in, rng_, key_, br);
    const EndpointInfo& ep = upstream->backend.endpoints[br.index];  // explaining only
    const HotEndpoint& he = t.hotEndpoint(*hu, br.index);
    // Decision::routeRef: server, location, upstream and endpoint, 16 bits each (the names all
    // follow from these four; Session::nameRoute reads them back); a table too large for that
    // gives none.
    if (si < 0xFFFF && li <= 0xFFFF && up <= 0xFFFF && br.index <= 0xFFFF)
        d.routeRef = (static_cast<std::uint64_t>(si) + 1) << 48 | static_cast<std::uint64_t>(li) << 32 |
            static_cast<std::uint64_t>(up) << 16 | static_cast<std::uint64_t>(br.index);
    names.set(d.endpoint, t.upStr(he.off, he.hostPort));
    names.set(d.pod, t.upStr(he.off + he.hostPort, he.pod));
    if (describe) d.node = t.upStr(he.off + he.hostPort + he.pod, he.node);
    if (!br.setCookie.empty()) d.setCookies.push_back(std::move(br.setCookie));
    d.outcome = customDefault ? Outcome::DefaultBackend : Outcome::Routed;
    if (ex) {
        Hop& h = d.addHop(Stage::Endpoint);
        h.decision = ep.hostPort;
        h.reason = br.why;
        if (!d.setCookies.empty()) h.reason += "; sets " + d.setCookies.front();
        if (!ep.pod && !upstream->backend.externalName) h.reason += " (no Pod owns this address)";
        if (ep.pod) {
            Hop& p = d.addHop(Stage::Pod);
            p.decision = "Pod " + ep.podKey + (ep.node.empty() ? std::string() : " on " + ep.node);
            p.reason = ep.pod->meta.derived
                ? "synthesised from " + ep.pod->meta.derivedFrom + " (the manifests list no Pods)"
                : std::string("endpoint ") + (ep.ready ? "ready" : "not ready") +
                    (rewritten ? "; receives " + d.upstreamPath : std::string());
        }
    }
}

}  // namespace

Settings settingsFor(const ClusterState& state, const ProfileOptions& options) {
    Settings s;
    if (options.controllerConfig)
        s.applyConfigMap(*options.controllerConfig);
    else if (const ConfigMap* cm = findControllerConfigMap(state))
        s.applyConfigMap(*cm);
    if (!options.ingressClass.empty()) {
        if (const IngressClass* ic = state.ingressClasses().find("", options.ingressClass))
            s.controllerClass = ic->controller;
        s.ingressClass = options.ingressClass;
    }
    return s;
}

std::shared_ptr<const RouteTable> compileNginx(std::shared_ptr<const ClusterState> state, const Settings& settings) {
    return std::make_shared<Table>(std::move(state), settings);
}

std::shared_ptr<const Config> configOf(const RouteTable& table) {
    if (const auto* t = dynamic_cast<const Table*>(&table)) return t->cfgShared();
    return nullptr;
}

}  // namespace hs::sim::nginx
