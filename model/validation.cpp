#include "model/validation.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <set>

namespace hs::model {

namespace names {

namespace {
bool lowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

bool isLabel1123(std::string_view s) {
    if (s.empty() || s.size() > 63) return false;
    if (!lowerAlnum(s.front()) || !lowerAlnum(s.back())) return false;
    return std::all_of(s.begin(), s.end(), [](char c) { return lowerAlnum(c) || c == '-'; });
}
}  // namespace

std::string dns1123Label(std::string_view s) {
    if (s.size() > 63) return "must be no more than 63 characters";
    if (!isLabel1123(s))
        return "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start "
               "and end with an alphanumeric character (e.g. 'my-name', or '123-abc')";
    return {};
}

std::string dns1123Subdomain(std::string_view s) {
    if (s.size() > 253) return "must be no more than 253 characters";
    bool ok = !s.empty();
    std::size_t start = 0;
    while (ok && start <= s.size()) {
        std::size_t dot = s.find('.', start);
        std::string_view label = s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
        // subdomain labels may be longer than 63 in the regex form; only the character rules apply
        if (label.empty() || !lowerAlnum(label.front()) || !lowerAlnum(label.back()) ||
            !std::all_of(label.begin(), label.end(), [](char c) { return lowerAlnum(c) || c == '-'; }))
            ok = false;
        if (dot == std::string_view::npos) break;
        start = dot + 1;
    }
    if (!ok)
        return "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and "
               "must start and end with an alphanumeric character (e.g. 'example.com')";
    return {};
}

std::string dns1035Label(std::string_view s) {
    if (s.size() > 63) return "must be no more than 63 characters";
    bool ok = !s.empty() && s.front() >= 'a' && s.front() <= 'z' && lowerAlnum(s.back()) &&
        std::all_of(s.begin(), s.end(), [](char c) { return lowerAlnum(c) || c == '-'; });
    if (!ok)
        return "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic "
               "character, and end with an alphanumeric character (e.g. 'my-name', or 'abc-123')";
    return {};
}

std::string wildcardDns1123Subdomain(std::string_view s) {
    if (s.size() > 253) return "must be no more than 253 characters";
    if (s.size() < 3 || s[0] != '*' || s[1] != '.' || !dns1123Subdomain(s.substr(2)).empty())
        return "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must "
               "consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character "
               "(e.g. '*.example.com')";
    return {};
}

std::string portName(std::string_view s) {
    if (s.empty() || s.size() > 15) return "must be no more than 15 characters";
    if (!std::all_of(s.begin(), s.end(), [](char c) { return lowerAlnum(c) || c == '-'; }))
        return "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)";
    if (!std::any_of(s.begin(), s.end(), [](char c) { return c >= 'a' && c <= 'z'; }))
        return "must contain at least one letter (a-z)";
    if (s.find("--") != std::string_view::npos) return "must not contain consecutive hyphens";
    if (s.front() == '-' || s.back() == '-') return "must not begin or end with a hyphen";
    return {};
}

namespace {
bool qualifiedNamePart(std::string_view s) {
    if (s.empty() || s.size() > 63) return false;
    if (!alnum(s.front()) || !alnum(s.back())) return false;
    return std::all_of(s.begin(), s.end(), [](char c) { return alnum(c) || c == '-' || c == '_' || c == '.'; });
}
}  // namespace

std::string labelKey(std::string_view s) {
    std::string_view name = s;
    auto slash = s.find('/');
    if (slash != std::string_view::npos) {
        std::string_view prefix = s.substr(0, slash);
        name = s.substr(slash + 1);
        if (prefix.empty() || !dns1123Subdomain(prefix).empty())
            return "prefix part must be a lowercase RFC 1123 subdomain";
    }
    if (!qualifiedNamePart(name))
        return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
               "alphanumeric character (at most 63 characters)";
    return {};
}

std::string labelValue(std::string_view s) {
    if (s.empty()) return {};
    if (!qualifiedNamePart(s))
        return "a valid label value must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
               "and must start and end with an alphanumeric character (at most 63 characters)";
    return {};
}

bool isIPv4(std::string_view s) {
    std::string str(s);
    in_addr a{};
    return inet_pton(AF_INET, str.c_str(), &a) == 1;
}

bool isIPv6(std::string_view s) {
    std::string str(s);
    in6_addr a{};
    return inet_pton(AF_INET6, str.c_str(), &a) == 1;
}

bool isIP(std::string_view s) { return isIPv4(s) || isIPv6(s); }

}  // namespace names

namespace {

class V {
public:
    std::vector<Finding> out;
    void err(std::string field, std::string msg, std::string code) {
        out.push_back({Severity::Error, std::move(field), std::move(msg), std::move(code)});
    }
    void warn(std::string field, std::string msg, std::string code) {
        out.push_back({Severity::Warning, std::move(field), std::move(msg), std::move(code)});
    }
    void invalid(const std::string& field, std::string_view value, const std::string& why, std::string code) {
        if (why.empty()) return;
        err(field, "Invalid value \"" + std::string(value) + "\": " + why, std::move(code));
    }

    void meta(const ObjectMeta& m, std::string (*nameCheck)(std::string_view), bool namespaced) {
        if (m.name.empty())
            err("metadata.name", "Required value: name is required", "meta.name.required");
        else
            invalid("metadata.name", m.name, nameCheck(m.name), "meta.name.invalid");
        if (namespaced && !m.ns.empty())
            invalid("metadata.namespace", m.ns, names::dns1123Label(m.ns), "meta.namespace.invalid");
        for (const auto& [k, v] : m.labels) {
            invalid("metadata.labels[" + k + "]", k, names::labelKey(k), "meta.label.key");
            invalid("metadata.labels[" + k + "]", v, names::labelValue(v), "meta.label.value");
        }
        std::size_t total = 0;
        for (const auto& [k, v] : m.annotations) {
            invalid("metadata.annotations[" + k + "]", k, names::labelKey(k), "meta.annotation.key");
            total += k.size() + v.size();
        }
        if (total > 256 * 1024)
            err("metadata.annotations", "Too long: annotations may not have more than 262144 bytes in total",
                "meta.annotation.size");
    }

    void port(const std::string& field, std::int32_t p, bool allowZero = false) {
        if ((p == 0 && allowZero)) return;
        if (p < 1 || p > 65535)
            err(field, "Invalid value: " + std::to_string(p) + ": must be between 1 and 65535, inclusive",
                "port.range");
    }

    void ingressBackend(const IngressBackend& b, const std::string& f) {
        if (b.resource && b.service) {
            err(f, "Invalid value: cannot set both resource and service backends", "ingress.backend.both");
            return;
        }
        if (b.resource) {
            if (b.resource->kind.empty()) err(f + ".resource.kind", "Required value", "ingress.backend.resource");
            if (b.resource->name.empty()) err(f + ".resource.name", "Required value", "ingress.backend.resource");
            return;
        }
        if (!b.service) {
            err(f, "Invalid value: resource or service backend is required", "ingress.backend.none");
            return;
        }
        const auto& s = *b.service;
        if (s.name.empty())
            err(f + ".service.name", "Required value", "ingress.backend.service.name");
        else
            invalid(f + ".service.name", s.name, names::dns1035Label(s.name), "ingress.backend.service.name");
        bool hasName = !s.port.name.empty(), hasNumber = s.port.number != 0;
        if (hasName && hasNumber)
            err(f, "Invalid value: cannot set both port name & port number", "ingress.backend.port.both");
        else if (hasName)
            invalid(f + ".service.port.name", s.port.name, names::portName(s.port.name), "ingress.backend.port.name");
        else if (hasNumber)
            port(f + ".service.port.number", s.port.number);
        else
            err(f, "Required value: port name or number is required", "ingress.backend.port.none");
    }

    void host(const std::string& f, const std::string& h, const char* code) {
        if (names::isIP(h)) err(f, "Invalid value \"" + h + "\": must be a DNS name, not an IP address", code);
        if (h.find('*') != std::string::npos)
            invalid(f, h, names::wildcardDns1123Subdomain(h), code);
        else
            invalid(f, h, names::dns1123Subdomain(h), code);
    }

    void ingress(const Ingress& ing) {
        meta(ing.meta, names::dns1123Subdomain, true);
        if (ing.rules.empty() && !ing.defaultBackend)
            err("spec", "Invalid value: either `defaultBackend` or `rules` must be specified", "ingress.empty");
        if (ing.defaultBackend) ingressBackend(*ing.defaultBackend, "spec.defaultBackend");
        for (std::size_t i = 0; i < ing.rules.size(); ++i) {
            const auto& r = ing.rules[i];
            std::string rf = "spec.rules[" + std::to_string(i) + "]";
            if (!r.host.empty()) host(rf + ".host", r.host, "ingress.host.invalid");
            if (r.hasHttp && r.paths.empty()) err(rf + ".http.paths", "Required value", "ingress.paths.required");
            for (std::size_t j = 0; j < r.paths.size(); ++j) {
                const auto& p = r.paths[j];
                std::string pf = rf + ".http.paths[" + std::to_string(j) + "]";
                if (p.pathType == PathType::Unset) {
                    err(pf + ".pathType", "Required value: pathType must be specified", "ingress.pathtype.required");
                    continue;
                }
                if (p.pathType == PathType::Exact || p.pathType == PathType::Prefix) {
                    if (p.path.empty() || p.path[0] != '/')
                        err(pf + ".path", "Invalid value \"" + p.path + "\": must be an absolute path",
                            "ingress.path.absolute");
                    for (std::string_view seq : {"//", "/./", "/../", "%2f", "%2F"})
                        if (p.path.find(seq) != std::string::npos)
                            err(pf + ".path",
                                "Invalid value \"" + p.path + "\": must not contain '" + std::string(seq) + "'",
                                "ingress.path.sequence");
                    for (std::string_view suf : {"/..", "/."})
                        if (p.path.ends_with(suf))
                            err(pf + ".path",
                                "Invalid value \"" + p.path + "\": cannot end with '" + std::string(suf) + "'",
                                "ingress.path.suffix");
                } else if (!p.path.empty() && p.path[0] != '/') {
                    err(pf + ".path", "Invalid value \"" + p.path + "\": must be an absolute path",
                        "ingress.path.absolute");
                }
                ingressBackend(p.backend, pf + ".backend");
            }
        }
        for (std::size_t i = 0; i < ing.tls.size(); ++i) {
            std::string tf = "spec.tls[" + std::to_string(i) + "]";
            for (std::size_t j = 0; j < ing.tls[i].hosts.size(); ++j)
                host(tf + ".hosts[" + std::to_string(j) + "]", ing.tls[i].hosts[j], "ingress.tls.host");
            if (!ing.tls[i].secretName.empty())
                invalid(tf + ".secretName", ing.tls[i].secretName, names::dns1123Subdomain(ing.tls[i].secretName),
                        "ingress.tls.secret");
        }
        if (ing.ingressClassName)
            invalid("spec.ingressClassName", *ing.ingressClassName, names::dns1123Subdomain(*ing.ingressClassName),
                    "ingress.class.invalid");
        const std::string* legacy = lookup(ing.meta.annotations, "kubernetes.io/ingress.class");
        if (legacy && ing.ingressClassName && *legacy != *ing.ingressClassName)
            err("metadata.annotations[kubernetes.io/ingress.class]",
                "Invalid value \"" + *legacy + "\": must match `ingressClassName` when both are specified",
                "ingress.class.mismatch");
    }

    void ingressClass(const IngressClass& c) {
        meta(c.meta, names::dns1123Subdomain, false);
        if (c.controller.empty())
            err("spec.controller", "Required value", "ingressclass.controller.required");
        else if (c.controller.size() > 250)
            err("spec.controller", "Too long: may not be more than 250 bytes", "ingressclass.controller");
        else {
            auto slash = c.controller.find('/');
            if (slash == std::string::npos || slash == 0)
                err("spec.controller",
                    "Invalid value \"" + c.controller + "\": must be a domain-prefixed path (such as \"acme.io/foo\")",
                    "ingressclass.controller");
            else
                invalid("spec.controller", c.controller, names::dns1123Subdomain(c.controller.substr(0, slash)),
                        "ingressclass.controller");
        }
    }

    void targetPortCheck(const std::string& f, const IntOrString& tp) {
        if (tp.isString)
            invalid(f, tp.str, names::portName(tp.str), "service.targetport");
        else if (tp.number != 0)
            port(f, tp.number);
    }

    void service(const Service& s) {
        meta(s.meta, names::dns1035Label, true);
        static const std::set<std::string> types{"ClusterIP", "NodePort", "LoadBalancer", "ExternalName"};
        if (!types.count(s.type))
            err("spec.type",
                "Unsupported value: \"" + s.type +
                    "\": supported values: \"ClusterIP\", \"ExternalName\", "
                    "\"LoadBalancer\", \"NodePort\"",
                "service.type");
        if (s.type == "ExternalName") {
            if (s.externalName.empty())
                err("spec.externalName", "Required value", "service.externalname.required");
            else
                invalid("spec.externalName", s.externalName, names::dns1123Subdomain(s.externalName),
                        "service.externalname");
        } else if (s.ports.empty() && !s.headless()) {
            err("spec.ports", "Required value", "service.ports.required");
        }
        std::set<std::string> seen;
        for (std::size_t i = 0; i < s.ports.size(); ++i) {
            const auto& p = s.ports[i];
            std::string pf = "spec.ports[" + std::to_string(i) + "]";
            if (s.ports.size() > 1 && p.name.empty()) err(pf + ".name", "Required value", "service.port.name.required");
            if (!p.name.empty()) {
                invalid(pf + ".name", p.name, names::dns1123Label(p.name), "service.port.name");
                if (!seen.insert(p.name).second)
                    err(pf + ".name", "Duplicate value: \"" + p.name + "\"", "service.port.duplicate");
            }
            port(pf + ".port", p.port);
            if (p.protocol != "TCP" && p.protocol != "UDP" && p.protocol != "SCTP")
                err(pf + ".protocol",
                    "Unsupported value: \"" + p.protocol + "\": supported values: \"SCTP\", \"TCP\", \"UDP\"",
                    "service.port.protocol");
            targetPortCheck(pf + ".targetPort", p.targetPort);
            if (p.nodePort != 0 && s.type != "NodePort" && s.type != "LoadBalancer")
                err(pf + ".nodePort", "Forbidden: may not be used when `type` is '" + s.type + "'", "service.nodeport");
        }
        if (s.selector)
            for (const auto& [k, v] : *s.selector) {
                invalid("spec.selector[" + k + "]", k, names::labelKey(k), "service.selector");
                invalid("spec.selector[" + k + "]", v, names::labelValue(v), "service.selector");
            }
    }

    void endpointAddress(const std::string& f, const std::string& addressType, const std::string& a) {
        if (addressType == "FQDN") {
            invalid(f, a, names::dns1123Subdomain(a), "endpointslice.address");
            return;
        }
        bool ok = addressType == "IPv6" ? names::isIPv6(a) : names::isIPv4(a);
        if (!ok) {
            err(f, "Invalid value \"" + a + "\": must be a valid " + addressType + " address", "endpointslice.address");
            return;
        }
        if (a.rfind("127.", 0) == 0 || a == "::1")
            err(f, "Invalid value \"" + a + "\": may not be in the loopback range (127.0.0.0/8, ::1/128)",
                "endpointslice.address.loopback");
        if (a.rfind("169.254.", 0) == 0 || a.rfind("fe80:", 0) == 0)
            err(f, "Invalid value \"" + a + "\": may not be in the link-local range",
                "endpointslice.address.linklocal");
        if (a == "0.0.0.0" || a == "::")
            err(f, "Invalid value \"" + a + "\": may not be unspecified (0.0.0.0, ::)",
                "endpointslice.address.unspecified");
    }

    void endpointSlice(const EndpointSlice& es) {
        meta(es.meta, names::dns1123Subdomain, true);
        if (es.addressType != "IPv4" && es.addressType != "IPv6" && es.addressType != "FQDN")
            err("addressType",
                "Unsupported value: \"" + es.addressType + "\": supported values: \"FQDN\", \"IPv4\", \"IPv6\"",
                "endpointslice.addresstype");
        if (es.endpoints.size() > 1000)
            err("endpoints", "Too many: must have at most 1000 items", "endpointslice.endpoints");
        for (std::size_t i = 0; i < es.endpoints.size(); ++i) {
            const auto& e = es.endpoints[i];
            std::string ef = "endpoints[" + std::to_string(i) + "]";
            if (e.addresses.empty()) err(ef + ".addresses", "Required value", "endpointslice.addresses");
            if (e.addresses.size() > 100)
                err(ef + ".addresses", "Too many: must have at most 100 items", "endpointslice.addresses");
            for (std::size_t j = 0; j < e.addresses.size(); ++j)
                endpointAddress(ef + ".addresses[" + std::to_string(j) + "]", es.addressType, e.addresses[j]);
            if (!e.nodeName.empty())
                invalid(ef + ".nodeName", e.nodeName, names::dns1123Subdomain(e.nodeName), "endpointslice.node");
        }
        std::set<std::string> seen;
        for (std::size_t i = 0; i < es.ports.size(); ++i) {
            const auto& p = es.ports[i];
            std::string pf = "ports[" + std::to_string(i) + "]";
            if (p.name && !p.name->empty())
                invalid(pf + ".name", *p.name, names::dns1123Label(*p.name), "endpointslice.port.name");
            if (!seen.insert(p.name.value_or("")).second)
                err(pf + ".name", "Duplicate value: \"" + p.name.value_or("") + "\"", "endpointslice.port.duplicate");
            if (p.port) port(pf + ".port", *p.port);
        }
    }

    void containers(const std::vector<Container>& cs, const std::string& f) {
        if (cs.empty()) err(f, "Required value", "pod.containers.required");
        std::set<std::string> names;
        for (std::size_t i = 0; i < cs.size(); ++i) {
            std::string cf = f + "[" + std::to_string(i) + "]";
            if (cs[i].name.empty())
                err(cf + ".name", "Required value", "pod.container.name");
            else
                invalid(cf + ".name", cs[i].name, names::dns1123Label(cs[i].name), "pod.container.name");
            for (std::size_t j = 0; j < cs[i].ports.size(); ++j) {
                const auto& p = cs[i].ports[j];
                std::string pf = cf + ".ports[" + std::to_string(j) + "]";
                port(pf + ".containerPort", p.containerPort);
                if (!p.name.empty()) {
                    invalid(pf + ".name", p.name, names::portName(p.name), "pod.port.name");
                    if (!names.insert(p.name).second)
                        err(pf + ".name", "Duplicate value: \"" + p.name + "\"", "pod.port.duplicate");
                }
            }
        }
    }

    void pod(const Pod& p) {
        meta(p.meta, names::dns1123Subdomain, true);
        containers(p.spec.containers, "spec.containers");
    }

    void workload(const Workload& w) {
        meta(w.meta, names::dns1123Subdomain, true);
        if (w.replicas && *w.replicas < 0)
            err("spec.replicas", "Invalid value: must be greater than or equal to 0", "workload.replicas");
        if (w.selector.empty())
            err("spec.selector", "Required value", "workload.selector.required");
        else if (!w.selector.matches(w.podTemplate.labels))
            err("spec.template.metadata.labels", "Invalid value: `selector` does not match template `labels`",
                "workload.selector.mismatch");
        containers(w.podTemplate.spec.containers, "spec.template.spec.containers");
    }

    void gatewayClass(const GatewayClass& g) {
        meta(g.meta, names::dns1123Subdomain, false);
        if (g.controllerName.empty()) err("spec.controllerName", "Required value", "gatewayclass.controller");
    }

    void gateway(const Gateway& g) {
        meta(g.meta, names::dns1123Subdomain, true);
        if (g.gatewayClassName.empty()) err("spec.gatewayClassName", "Required value", "gateway.class.required");
        if (g.listeners.empty()) err("spec.listeners", "Required value", "gateway.listeners.required");
        std::set<std::string> seen;
        std::set<std::tuple<std::int32_t, std::string, std::string>> combos;
        for (std::size_t i = 0; i < g.listeners.size(); ++i) {
            const auto& l = g.listeners[i];
            std::string lf = "spec.listeners[" + std::to_string(i) + "]";
            if (l.name.empty())
                err(lf + ".name", "Required value", "gateway.listener.name");
            else if (!seen.insert(l.name).second)
                err(lf + ".name", "Duplicate value: Listener name must be unique within the Gateway",
                    "gateway.listener.duplicate");
            port(lf + ".port", l.port);
            static const std::set<std::string> protos{"HTTP", "HTTPS", "TLS", "TCP", "UDP"};
            if (!protos.count(l.protocol) && l.protocol.find('/') == std::string::npos)
                err(lf + ".protocol", "Unsupported value: \"" + l.protocol + "\"", "gateway.listener.protocol");
            if (l.hostname) {
                if (l.protocol == "TCP" || l.protocol == "UDP")
                    err(lf + ".hostname", "Forbidden: hostname must not be specified for protocols ['TCP', 'UDP']",
                        "gateway.listener.hostname");
                if (l.hostname->find('*') != std::string::npos)
                    invalid(lf + ".hostname", *l.hostname, names::wildcardDns1123Subdomain(*l.hostname),
                            "gateway.listener.hostname");
                else
                    invalid(lf + ".hostname", *l.hostname, names::dns1123Subdomain(*l.hostname),
                            "gateway.listener.hostname");
            }
            if (l.protocol == "HTTPS" && l.tlsMode.empty())
                err(lf + ".tls", "Required value: tls must be specified for protocols ['HTTPS', 'TLS']",
                    "gateway.listener.tls");
            if (!combos.insert({l.port, l.protocol, l.hostname.value_or("")}).second)
                err(lf, "Invalid value: combination of port, protocol and hostname must be unique for each listener",
                    "gateway.listener.combination");
        }
    }

    void httpRoute(const HTTPRoute& r) {
        meta(r.meta, names::dns1123Subdomain, true);
        for (std::size_t i = 0; i < r.hostnames.size(); ++i) {
            const auto& h = r.hostnames[i];
            std::string hf = "spec.hostnames[" + std::to_string(i) + "]";
            if (names::isIP(h))
                err(hf, "Invalid value \"" + h + "\": must be a DNS name, not an IP address", "httproute.hostname");
            else if (h.find('*') != std::string::npos)
                invalid(hf, h, names::wildcardDns1123Subdomain(h), "httproute.hostname");
            else
                invalid(hf, h, names::dns1123Subdomain(h), "httproute.hostname");
        }
        if (r.parentRefs.size() > 32)
            err("spec.parentRefs", "Too many: must have at most 32 items", "httproute.parents");
        if (r.rules.size() > 16) err("spec.rules", "Too many: must have at most 16 items", "httproute.rules");
        for (std::size_t i = 0; i < r.rules.size(); ++i) {
            const auto& rule = r.rules[i];
            std::string rf = "spec.rules[" + std::to_string(i) + "]";
            if (rule.matches.size() > 64)
                err(rf + ".matches", "Too many: must have at most 64 items", "httproute.matches");
            bool prefixOnly = true;
            for (std::size_t j = 0; j < rule.matches.size(); ++j) {
                const auto& m = rule.matches[j];
                std::string mf = rf + ".matches[" + std::to_string(j) + "]";
                if (m.path) {
                    if (m.path->type != "Exact" && m.path->type != "PathPrefix" && m.path->type != "RegularExpression")
                        err(mf + ".path.type",
                            "Unsupported value: \"" + m.path->type +
                                "\": supported values: \"Exact\", \"PathPrefix\", \"RegularExpression\"",
                            "httproute.path.type");
                    if (m.path->type != "RegularExpression") {
                        if (m.path->value.empty() || m.path->value[0] != '/')
                            err(mf + ".path.value",
                                "Invalid value \"" + m.path->value +
                                    "\": value must be an absolute path and start with '/' when type one of ['Exact', 'PathPrefix']",
                                "httproute.path.absolute");
                        for (std::string_view seq : {"//", "/./", "/../", "%2f", "%2F", "#"})
                            if (m.path->value.find(seq) != std::string::npos)
                                err(mf + ".path.value",
                                    "Invalid value \"" + m.path->value + "\": must not contain '" + std::string(seq) +
                                        "' when type one of ['Exact', 'PathPrefix']",
                                    "httproute.path.sequence");
                    }
                    if (m.path->type != "PathPrefix") prefixOnly = false;
                }
                if (m.method) {
                    static const std::set<std::string> methods{"GET",     "HEAD",    "POST",  "PUT",  "DELETE",
                                                               "CONNECT", "OPTIONS", "TRACE", "PATCH"};
                    if (!methods.count(*m.method))
                        err(mf + ".method", "Unsupported value: \"" + *m.method + "\"", "httproute.method");
                }
                for (std::size_t k = 0; k < m.headers.size(); ++k)
                    if (m.headers[k].name.empty())
                        err(mf + ".headers[" + std::to_string(k) + "].name", "Required value", "httproute.header.name");
            }
            bool redirect = false, rewrite = false;
            for (std::size_t j = 0; j < rule.filters.size(); ++j) {
                const auto& f = rule.filters[j];
                std::string ff = rf + ".filters[" + std::to_string(j) + "]";
                if (f.type == "RequestRedirect") redirect = true;
                if (f.type == "URLRewrite") rewrite = true;
                auto prefixRule = [&](const std::optional<HTTPPathModifier>& pm, const std::string& where) {
                    if (pm && pm->type == "ReplacePrefixMatch" && (!prefixOnly || rule.matches.size() != 1))
                        err(where,
                            "Invalid value: When using URLRewrite/RequestRedirect filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified",
                            "httproute.filter.prefix");
                };
                if (f.requestRedirect) prefixRule(f.requestRedirect->path, ff + ".requestRedirect.path");
                if (f.urlRewrite) prefixRule(f.urlRewrite->path, ff + ".urlRewrite.path");
                if (f.requestRedirect && f.requestRedirect->statusCode != 301 && f.requestRedirect->statusCode != 302 &&
                    f.requestRedirect->statusCode != 303 && f.requestRedirect->statusCode != 307 &&
                    f.requestRedirect->statusCode != 308)
                    err(ff + ".requestRedirect.statusCode",
                        "Unsupported value: " + std::to_string(f.requestRedirect->statusCode) +
                            ": supported values: 301, 302, 303, 307, 308",
                        "httproute.redirect.code");
            }
            if (redirect && rewrite)
                err(rf + ".filters",
                    "Invalid value: May specify either httpRouteFilterRequestRedirect or httpRouteFilterRequestRewrite, but not both",
                    "httproute.filter.both");
            if (redirect && !rule.backendRefs.empty())
                err(rf, "Invalid value: RequestRedirect filter must not be used together with backendRefs",
                    "httproute.filter.redirect-backends");
            for (std::size_t j = 0; j < rule.backendRefs.size(); ++j) {
                const auto& b = rule.backendRefs[j];
                std::string bf = rf + ".backendRefs[" + std::to_string(j) + "]";
                if (b.weight < 0 || b.weight > 1000000)
                    err(bf + ".weight", "Invalid value: must be between 0 and 1000000", "httproute.weight");
                if (b.ref.name.empty()) err(bf + ".name", "Required value", "httproute.backend.name");
                if ((b.ref.kind == "Service" && b.ref.group.empty()) && !b.ref.port)
                    err(bf, "Invalid value: Must have port for Service reference", "httproute.backend.port");
                if (b.ref.port) port(bf + ".port", *b.ref.port);
            }
        }
    }

    void referenceGrant(const ReferenceGrant& g) {
        meta(g.meta, names::dns1123Subdomain, true);
        if (g.from.empty()) err("spec.from", "Required value", "referencegrant.from");
        if (g.to.empty()) err("spec.to", "Required value", "referencegrant.to");
    }
};

}  // namespace

std::vector<Finding> validateObject(const AnyObject& object) {
    V v;
    std::visit(
        [&](const auto& p) {
            using T = std::decay_t<decltype(*p)>;
            if constexpr (std::is_same_v<T, Ingress>)
                v.ingress(*p);
            else if constexpr (std::is_same_v<T, IngressClass>)
                v.ingressClass(*p);
            else if constexpr (std::is_same_v<T, Service>)
                v.service(*p);
            else if constexpr (std::is_same_v<T, EndpointSlice>)
                v.endpointSlice(*p);
            else if constexpr (std::is_same_v<T, Pod>)
                v.pod(*p);
            else if constexpr (std::is_same_v<T, Workload>)
                v.workload(*p);
            else if constexpr (std::is_same_v<T, Namespace>)
                v.meta(p->meta, names::dns1123Label, false);
            else if constexpr (std::is_same_v<T, Node>)
                v.meta(p->meta, names::dns1123Subdomain, false);
            else if constexpr (std::is_same_v<T, Secret>)
                v.meta(p->meta, names::dns1123Subdomain, true);
            else if constexpr (std::is_same_v<T, ConfigMap>)
                v.meta(p->meta, names::dns1123Subdomain, true);
            else if constexpr (std::is_same_v<T, GatewayClass>)
                v.gatewayClass(*p);
            else if constexpr (std::is_same_v<T, Gateway>)
                v.gateway(*p);
            else if constexpr (std::is_same_v<T, HTTPRoute>)
                v.httpRoute(*p);
            else if constexpr (std::is_same_v<T, ReferenceGrant>)
                v.referenceGrant(*p);
        },
        object);
    return std::move(v.out);
}

std::vector<Finding> validateLegacyEndpoints(const LegacyEndpoints& e) {
    V v;
    v.meta(e.meta, names::dns1123Subdomain, true);
    for (std::size_t s = 0; s < e.slices.size(); ++s)
        for (std::size_t i = 0; i < e.slices[s].endpoints.size(); ++i)
            for (const auto& a : e.slices[s].endpoints[i].addresses)
                if (!names::isIP(a))
                    v.err("subsets[" + std::to_string(s) + "].addresses",
                          "Invalid value \"" + a + "\": must be a valid IP address", "endpoints.address");
    return std::move(v.out);
}

}  // namespace hs::model
