#include "kubeclient/api_client.h"

#include "kubeclient/status.h"

#include <simdjson.h>

#include <set>

namespace hs::kube {

// ---- WatchStream ----------------------------------------------------------------------------------

WatchStream::Next WatchStream::next(std::string_view& event, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (ready_.empty()) {
        if (ended_) return Next::End;
        std::chrono::milliseconds left(0);
        if (timeout.count() > 0) {
            left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) return Next::Timeout;
        }
        chunk_.clear();
        auto r = stream_->read(chunk_, left);
        if (r == HttpStream::Read::Timeout) return Next::Timeout;
        if (r == HttpStream::Read::End) {
            ended_ = true;
            error_ = stream_->error();
            if (!error_ && framer_.midValue())
                error_ = makeError(ErrorCode::Network, "the watch stream ended in the middle of an event");
            continue;
        }
        auto fed = framer_.feed(chunk_, [&](std::string_view v) { ready_.emplace_back(v); });
        if (!fed) {
            error_ = fed.error();
            ended_ = true;
            stream_->cancel();
        }
    }
    current_ = std::move(ready_.front());
    ready_.pop_front();
    event = current_;
    return Next::Event;
}

// ---- ApiClient --------------------------------------------------------------------------------------

Result<std::shared_ptr<ApiClient>> ApiClient::create(const ClientConfig& config, ApiClientOptions options) {
    std::shared_ptr<ApiClient> c(new ApiClient());
    c->config_ = config;
    c->options_ = options;
    TransportConfig tc;
    tc.server = config.cluster.server;
    tc.insecureSkipTlsVerify = config.cluster.insecureSkipTlsVerify;
    if (!config.cluster.certificateAuthorityData.empty()) {
        tc.caPem = config.cluster.certificateAuthorityData;
    } else if (!config.cluster.certificateAuthority.empty()) {
        auto ca = readPemFile(config.cluster.certificateAuthority, "certificate-authority");
        if (!ca) return std::move(ca).error();
        tc.caPem = std::move(*ca);
    }
    tc.tlsServerName = config.cluster.tlsServerName;
    tc.proxyUrl = config.cluster.proxyUrl;
    tc.disableCompression = config.cluster.disableCompression;
    tc.http2 = options.http2;
    tc.multiplex = options.multiplex;
    tc.connectTimeout = options.connectTimeout;
    tc.readIdleTimeout = options.readIdleTimeout;
    tc.probeTimeout = options.probeTimeout;
    auto cert = loadClientCertificate(config.user);
    if (!cert) return std::move(cert).error();
    tc.clientCert = *cert;
    auto http = HttpClient::create(std::move(tc));
    if (!http) return std::move(http).error();
    c->http_ = std::move(*http);
    auto auth = makeAuthenticator(config, options.auth);
    if (!auth) return std::move(auth).error();
    c->auth_ = std::move(*auth);
    const UserEntry& u = config.user;
    if (!u.impersonate.empty()) c->extraHeaders_.emplace_back("Impersonate-User", u.impersonate);
    if (!u.impersonateUid.empty()) c->extraHeaders_.emplace_back("Impersonate-Uid", u.impersonateUid);
    for (const auto& g : u.impersonateGroups) c->extraHeaders_.emplace_back("Impersonate-Group", g);
    return c;
}

std::string ApiClient::describeOp(const std::string& verb, const ApiResource& res, const std::string& ns) {
    std::string s = verb + ' ' + res.displayName();
    if (!res.namespaced) return s;
    return s + (ns.empty() ? " in all namespaces" : " in namespace " + ns);
}

Error ApiClient::explain(Error e) const {
    // A server without basic authentication (every Kubernetes since 1.19) ignores the header and
    // treats the request as anonymous: say why instead of leaving "system:anonymous" unexplained.
    if (e.code == ErrorCode::Forbidden && e.message.find("\"system:anonymous\"") != std::string::npos) {
        if (config_.user.method() == AuthMethod::Basic)
            e.message += " — the API server ignored the username/password of context \"" + config_.contextName +
                "\" and treated the request as anonymous: Kubernetes removed basic authentication in 1.19; use a "
                "token, a client certificate or an exec plugin instead";
        else if (config_.user.method() == AuthMethod::None)
            e.message += " — the request was anonymous: the user entry \"" + config_.user.name + "\" of context \"" +
                config_.contextName + "\" has no credentials";
    }
    return e;
}

Error ApiClient::unauthorizedError(Error e) const {
    e.message += " — context \"" + config_.contextName + "\" authenticates with " + auth_->describe();
    if (config_.user.method() == AuthMethod::Basic)
        e.message +=
            "; Kubernetes removed basic authentication in 1.19, so API servers reject it: use a token, a "
            "client certificate or an exec plugin instead";
    else if (config_.user.method() == AuthMethod::None)
        e.message += "; the user entry \"" + config_.user.name + "\" has no credentials";
    return e;
}

Result<std::unique_ptr<HttpStream>> ApiClient::send(HttpRequest req, const std::string& what, CancelScope* cancel) {
    for (int attempt = 0; attempt < 2; ++attempt) {
        if (cancel && cancel->cancelled()) return makeError(ErrorCode::Cancelled, "cancelled");
        auto auth = auth_->get(cancel);
        if (!auth) {
            Error e = std::move(auth).error();
            e.message = "cannot " + what + ": " + e.message;
            return e;
        }
        HttpRequest r = req;
        for (const auto& h : auth->headers) r.headers.push_back(h);
        for (const auto& h : extraHeaders_) r.headers.push_back(h);
        r.clientCert = auth->clientCert;
        auto stream = http_->start(std::move(r));
        HttpStream* raw = stream.get();
        if (cancel) cancel->attach([raw] { raw->cancel(); });
        auto status = stream->waitHeaders();
        if (!status) {
            if (cancel) cancel->detach();
            Error e = std::move(status).error();
            e.message = "cannot " + what + ": " + e.message;
            return e;
        }
        if (*status == 401) {
            std::string body;
            while (stream->read(body) == HttpStream::Read::Data) {}
            if (cancel) cancel->detach();
            if (attempt == 0 && auth_->unauthorized(auth->serial)) continue;
            return unauthorizedError(httpError(401, body, what));
        }
        if (cancel) cancel->detach();
        return stream;
    }
    return makeError(ErrorCode::Internal, "unreachable");
}

Result<HttpResponse> ApiClient::get(const std::string& target, const std::string& what, CancelScope* cancel) {
    return request("GET", target, {}, {}, what, cancel);
}

Result<HttpResponse> ApiClient::request(const std::string& method, const std::string& target, std::string body,
                                        const std::string& contentType, const std::string& what, CancelScope* cancel) {
    HttpRequest req;
    req.method = method;
    req.target = target;
    req.body = std::move(body);
    req.timeout = options_.requestTimeout;
    req.headers.emplace_back("Accept", "application/json");
    if (!contentType.empty()) req.headers.emplace_back("Content-Type", contentType);
    auto stream = send(std::move(req), what, cancel);
    if (!stream) return std::move(stream).error();
    HttpResponse resp;
    HttpStream* raw = stream->get();
    if (cancel) cancel->attach([raw] { raw->cancel(); });
    while ((*stream)->read(resp.body) == HttpStream::Read::Data) {}
    if (cancel) cancel->detach();
    if (auto err = (*stream)->error()) {
        err->message = "cannot " + what + ": " + err->message;
        return *err;
    }
    resp.status = (*stream)->status();
    resp.headers = (*stream)->headers();
    resp.httpVersion = (*stream)->httpVersion();
    if (resp.status < 200 || resp.status >= 300) return explain(httpError(resp.status, resp.body, what));
    return resp;
}

Result<ServerInfo> ApiClient::discover(CancelScope* cancel) {
    ServerInfo info;
    simdjson::dom::parser parser;
    {
        auto v = get("/version", "get the server version", cancel);
        if (!v) return std::move(v).error();
        simdjson::dom::element root;
        std::string_view s;
        if (parser.parse(v->body).get(root) == simdjson::SUCCESS) {
            if (root["gitVersion"].get_string().get(s) == simdjson::SUCCESS) info.gitVersion = std::string(s);
            if (root["major"].get_string().get(s) == simdjson::SUCCESS) info.major = std::atoi(std::string(s).c_str());
            if (root["minor"].get_string().get(s) == simdjson::SUCCESS) info.minor = std::atoi(std::string(s).c_str());
        }
    }
    // Which group versions the server serves (legacy discovery: /apis, then one request per group
    // version we care about).
    std::set<std::string> groupVersions;
    {
        auto apis = get("/apis", "discover API groups", cancel);
        if (!apis) return std::move(apis).error();
        simdjson::dom::element root;
        if (parser.parse(apis->body).get(root) != simdjson::SUCCESS)
            return makeError(ErrorCode::Protocol, "discover API groups: unreadable /apis response");
        simdjson::dom::array groups;
        if (root["groups"].get_array().get(groups) == simdjson::SUCCESS) {
            for (auto g : groups) {
                simdjson::dom::array versions;
                if (g["versions"].get_array().get(versions) != simdjson::SUCCESS) continue;
                for (auto v : versions) {
                    std::string_view gv;
                    if (v["groupVersion"].get_string().get(gv) == simdjson::SUCCESS) groupVersions.emplace(gv);
                }
            }
        }
    }
    std::map<std::string, std::set<std::string>> resourcesOf;  // group version -> resources
    auto resourcesIn = [&](const std::string& gv) -> Result<const std::set<std::string>*> {
        auto it = resourcesOf.find(gv);
        if (it != resourcesOf.end()) return &it->second;
        std::set<std::string> names;
        auto r = get("/apis/" + gv, "discover resources of " + gv, cancel);
        if (!r) {
            if (r.error().code == ErrorCode::NotFound) return &resourcesOf.emplace(gv, names).first->second;
            return std::move(r).error();
        }
        simdjson::dom::element root;
        simdjson::dom::array list;
        if (parser.parse(r->body).get(root) == simdjson::SUCCESS &&
            root["resources"].get_array().get(list) == simdjson::SUCCESS) {
            for (auto res : list) {
                std::string_view name;
                if (res["name"].get_string().get(name) == simdjson::SUCCESS && name.find('/') == std::string_view::npos)
                    names.emplace(name);
            }
        }
        return &resourcesOf.emplace(gv, std::move(names)).first->second;
    };
    for (const auto& w : wantedResources()) {
        bool found = false;
        for (const auto& v : w.versions) {
            if (w.group.empty()) {
                found = true;  // core/v1 is always served
            } else {
                std::string gv = w.group + '/' + v;
                if (!groupVersions.count(gv)) continue;
                auto names = resourcesIn(gv);
                if (!names) return std::move(names).error();
                if (!(*names)->count(w.resource)) continue;
                found = true;
            }
            ApiResource r;
            r.group = w.group;
            r.version = v;
            r.resource = w.resource;
            r.kind = w.kind;
            r.namespaced = w.namespaced;
            r.modelKind = w.modelKind;
            info.served.emplace(w.modelKind, std::move(r));
            break;
        }
        if (!found && !w.optional) info.missing.push_back(w.group.empty() ? w.resource : w.resource + '.' + w.group);
    }
    return info;
}

Result<ListPageInfo> ApiClient::listPage(const ApiResource& res, const std::string& ns, const ListOptions& o,
                                         const std::function<void(std::string_view)>& onItem, CancelScope* cancel) {
    std::string target = res.collectionPath(ns);
    std::string q;
    auto add = [&](const char* k, const std::string& v) {
        if (v.empty()) return;
        q += (q.empty() ? '?' : '&');
        q += k;
        q += '=';
        q += urlEncode(v);
    };
    if (o.limit > 0) add("limit", std::to_string(o.limit));
    add("continue", o.continueToken);
    add("resourceVersion", o.resourceVersion);
    add("resourceVersionMatch", o.resourceVersionMatch);
    add("labelSelector", o.labelSelector);
    add("fieldSelector", o.fieldSelector);
    HttpRequest req;
    req.target = target + q;
    req.headers.emplace_back("Accept", "application/json");
    std::string what = describeOp("list", res, ns);
    auto stream = send(std::move(req), what, cancel);
    if (!stream) return std::move(stream).error();
    HttpStream& s = **stream;
    HttpStream* raw = stream->get();
    if (cancel) cancel->attach([raw] { raw->cancel(); });
    struct Detach {
        CancelScope* c;
        ~Detach() {
            if (c) c->detach();
        }
    } detach{cancel};
    long status = s.status();
    std::string chunk;
    if (status != 200) {
        std::string body;
        while (s.read(body) == HttpStream::Read::Data) {}
        if (auto err = s.error()) return makeError(err->code, "cannot " + what + ": " + err->message);
        return explain(httpError(status, body, what));
    }
    ListStreamSplitter splitter;
    while (true) {
        chunk.clear();
        auto r = s.read(chunk);
        if (r != HttpStream::Read::Data) break;
        auto fed = splitter.feed(chunk, onItem);
        if (!fed) {
            s.cancel();
            return makeError(ErrorCode::Protocol, "cannot " + what + ": " + fed.error().message);
        }
    }
    if (auto err = s.error()) return makeError(err->code, "cannot " + what + ": " + err->message);
    if (auto fin = splitter.finish(); !fin)
        return makeError(ErrorCode::Protocol, "cannot " + what + ": " + fin.error().message);
    ListPageInfo info;
    info.items = splitter.itemCount();
    std::string_view md = splitter.member("metadata");
    if (!md.empty()) {
        simdjson::dom::parser p;
        simdjson::dom::element m;
        std::string_view v;
        if (p.parse(md.data(), md.size()).get(m) == simdjson::SUCCESS) {
            if (m["resourceVersion"].get_string().get(v) == simdjson::SUCCESS) info.resourceVersion = std::string(v);
            if (m["continue"].get_string().get(v) == simdjson::SUCCESS) info.continueToken = std::string(v);
            int64_t rem = 0;
            if (m["remainingItemCount"].get_int64().get(rem) == simdjson::SUCCESS) info.remainingItemCount = rem;
        }
    }
    return info;
}

Result<std::unique_ptr<WatchStream>> ApiClient::watch(const ApiResource& res, const std::string& ns,
                                                      const WatchOptions& o, CancelScope* cancel) {
    std::string q = "?watch=1";
    auto add = [&](const char* k, const std::string& v) {
        if (v.empty()) return;
        q += '&';
        q += k;
        q += '=';
        q += urlEncode(v);
    };
    add("resourceVersion", o.resourceVersion);
    if (o.allowBookmarks || o.sendInitialEvents) q += "&allowWatchBookmarks=true";
    if (o.sendInitialEvents) q += "&sendInitialEvents=true&resourceVersionMatch=NotOlderThan";
    if (o.timeoutSeconds > 0) q += "&timeoutSeconds=" + std::to_string(o.timeoutSeconds);
    add("labelSelector", o.labelSelector);
    add("fieldSelector", o.fieldSelector);
    HttpRequest req;
    req.target = res.collectionPath(ns) + q;
    req.headers.emplace_back("Accept", "application/json");
    // A backstop for a connection that died silently: the server ends the watch after
    // timeoutSeconds anyway, so a watch still open a minute later is dead.
    if (o.timeoutSeconds > 0) req.timeout = std::chrono::seconds(o.timeoutSeconds + 60);
    std::string what = describeOp("watch", res, ns);
    auto stream = send(std::move(req), what, cancel);
    if (!stream) return std::move(stream).error();
    long status = (*stream)->status();
    if (status != 200) {
        std::string body;
        while ((*stream)->read(body) == HttpStream::Read::Data) {}
        if (auto err = (*stream)->error()) return makeError(err->code, "cannot " + what + ": " + err->message);
        return explain(httpError(status, body, what));
    }
    return std::unique_ptr<WatchStream>(new WatchStream(std::move(*stream)));
}

}  // namespace hs::kube
