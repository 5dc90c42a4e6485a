#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (tests/fuzz/corpus/<target>/) from the tests' and
the demo's inputs plus hand-made bad inputs (docs/bad-input.md). Run from anywhere; the corpora are
checked in, so this only needs running again when the seeds should change:

    tests/fuzz/make_seeds.py [BUILD_DIR]   # BUILD_DIR: where the demo traces were generated

The targets use FuzzedDataProvider, which reads strings from the front of the input (each ended
by a backslash and one more byte) and integers from the back; the seeds follow that layout."""
import gzip, hashlib, json, os, re, sys

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(os.path.dirname(here))
corpus = os.path.join(here, "corpus")
build = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "build")


def put(target, data, name=None):
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogateescape")
    d = os.path.join(corpus, target)
    os.makedirs(d, exist_ok=True)
    name = name or hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def field(s):
    """One FuzzedDataProvider::ConsumeRandomLengthString field."""
    return s.replace("\\", "\\\\") + "\\x"


def read(path, limit=None):
    with open(os.path.join(root, path), "rb") as f:
        return f.read(limit) if limit else f.read()


# ---- manifests: demo, golden cases, and the bad inputs of docs/bad-input.md ---------------------
for f in sorted(os.listdir(os.path.join(root, "resources/demo"))):
    if f.endswith(".yaml"):
        put("manifest", read("resources/demo/" + f), "demo-" + f)
golden = os.path.join(root, "tests/golden")
for profile in sorted(os.listdir(golden)):
    p = os.path.join(golden, profile)
    if not os.path.isdir(p):
        continue
    for case in sorted(os.listdir(p)):
        m = os.path.join(p, case, "manifests.yaml")
        if os.path.exists(m) and os.path.getsize(m) < 12000:
            put("manifest", open(m, "rb").read(), "golden-%s-%s" % (profile, case))
laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    "%s: &%s [%s]\n" % (chr(98 + i), chr(98 + i), ", ".join(["*" + chr(97 + i)] * 9)) for i in range(8))
put("manifest", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\ndata:\n" + "".join("  " + l + "\n" for l in laughs.splitlines()), "bad-billion-laughs")
put("manifest", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata: " + "[" * 300 + "]" * 300 + "\n", "bad-deep-flow")
put("manifest", "apiVersion: v1\nkind: Service\nmetadata: {name: dup, name: dup2}\nspec:\n  ports: [{port: 80}]\n  ports: [{port: 81}]\n", "bad-duplicate-keys")
put("manifest", b"apiVersion: v1\nkind: Namespace\nmetadata: {name: \"caf\xc3\x28\xff\"}\n", "bad-invalid-utf8")
put("manifest", "apiVersion: v1\nkind: Service\nmetadata: {name: 5}\nspec: {ports: {port: eighty}, selector: [1,2]}\n", "bad-wrong-types")
put("manifest", '{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a"}},' + "[" * 250 + "]" * 250 + "]}", "bad-json-list-deep")
put("manifest", '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a","name":"b"}}\n{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"\\ud800"}}\n', "bad-json-lines")
put("manifest", "apiVersion: v1\nkind: Pod\nmetadata: &m {name: x, labels: *m}\n", "bad-alias-cycle")
put("manifest", "---\n--- !!binary |\n  R0lGODlhDAAMAIQAAP\n...\n%YAML 1.2\n---\n? [a, b]\n: c\n", "bad-directives-complex-key")

# ---- kubeconfig ---------------------------------------------------------------------------------
src = read("tests/kubeclient/tst_kubeconfig.cpp").decode()
for i, m in enumerate(re.findall(r'R"\((apiVersion: v1\nkind: Config.*?)\)"', src, re.S)[:12]):
    put("kubeconfig", m, "tests-%02d" % i)
put("kubeconfig", """apiVersion: v1
kind: Config
current-context: dev
clusters:
- name: dev
  cluster: {server: "https://127.0.0.1:6443", insecure-skip-tls-verify: true, proxy-url: "http://proxy:3128", tls-server-name: api}
users:
- name: exec
  user:
    exec: {apiVersion: client.authentication.k8s.io/v1, command: /bin/true, args: [a], env: [{name: A, value: b}], interactiveMode: Never}
- name: oidc
  user: {auth-provider: {name: oidc, config: {id-token: x, refresh-token: y, idp-issuer-url: "https://idp"}}}
contexts:
- name: dev
  context: {cluster: dev, user: exec, namespace: ns}
""", "hand-exec-oidc")
put("kubeconfig", "apiVersion: v1\nkind: Config\ncurrent-context: x\ncontexts: [{name: x, context: {cluster: missing, user: missing}}]\nclusters: 5\n", "bad-refs")

# ---- traces: the tests' sample lines, the demo traces' first lines, one seed per format ---------
fixtures = read("tests/trace/trace_fixtures.h").decode()
lines = [bytes(s, "utf-8").decode("unicode_escape") for s in re.findall(r'k\w+Line =\s*((?:"(?:[^"\\]|\\.)*"\s*)+);', fixtures)]
lines = ["".join(re.findall(r'"((?:[^"\\]|\\.)*)"', s)) for s in re.findall(r'k\w+Line =\s*((?:"(?:[^"\\]|\\.)*"\s*)+);', fixtures)]
lines = [bytes(l, "utf-8").decode("unicode_escape") for l in lines]
FORMATS = {"auto": 0, "jsonl": 1, "csv": 2, "ingress-nginx": 3, "nginx": 4, "custom": 5, "har": 6}
nginx = "\n".join(l for l in lines if "[" in l and "]" in l and "shop-" in l) + "\n"
put("trace", nginx.encode() + bytes([FORMATS["ingress-nginx"]]), "ingress-nginx")
put("trace", nginx.encode() + bytes([FORMATS["auto"]]), "auto-ingress-nginx")
combined = "\n".join(l for l in lines if "frank" in l or "Mozilla/4" in l) + "\n"
put("trace", combined.encode() + bytes([FORMATS["nginx"]]), "combined")
jsonl = ('{"time": "2026-11-25T10:00:00.123Z", "method": "GET", "url": "https://shop.example.com/api/v2/orders?page=2", '
         '"client": "203.0.113.7", "headers": {"X-Canary": "always"}, "cookies": {"session": "abc"}}\n'
         '{"time": 1764064800.5, "host": "blog.example.com", "path": "/posts/1", "headers": [["A", "b"]]}\n# comment\n\n{"url": 5}\n')
put("trace", jsonl.encode() + bytes([FORMATS["jsonl"]]), "jsonl")
put("trace", jsonl.encode() + bytes([FORMATS["auto"]]), "auto-jsonl")
csv = 'time,method,url,client,header:X-Canary,status\n2026-11-25T10:00:00Z,GET,https://shop.example.com/,1.2.3.4,always,200\n"2026-11-25T10:00:01Z",POST,"https://shop.example.com/a,b",,"",\n'
put("trace", csv.encode() + bytes([FORMATS["csv"]]), "csv")
custom = field('$remote_addr [$time_local] "$request" $status $host $upstream_addr $request_time') + \
    '10.0.0.1 [25/Nov/2026:08:00:01 +0000] "GET /a HTTP/1.1" 200 shop.example.com 10.244.0.1:80 0.003\n'
put("trace", custom.encode() + bytes([FORMATS["custom"]]), "custom")
har_path = os.path.join(build, "share/hopscope/demo/browse.har")
if os.path.exists(har_path):
    har = json.load(open(har_path))
    har["log"]["entries"] = har["log"]["entries"][:3]
    put("trace", json.dumps(har).encode() + bytes([FORMATS["har"]]), "har-demo")
    put("trace", json.dumps(har).encode() + bytes([FORMATS["auto"]]), "auto-har-demo")
log_path = os.path.join(build, "share/hopscope/demo/access.log.gz")
if os.path.exists(log_path):
    head = b"".join(gzip.open(log_path).readlines()[:20])
    put("trace", head + bytes([FORMATS["auto"]]), "demo-access-log")
    put("trace", gzip.compress(head, mtime=0) + bytes([FORMATS["auto"]]), "demo-access-log-gz")
    put("trace", gzip.compress(head, mtime=0)[:-30] + bytes([FORMATS["auto"]]), "bad-truncated-gz")
put("trace", b'1.2.3.4 - - [25/Nov/2026:08:00:01 +0000] "GET /\xff\xfe HTTP/1.1" 200 1 "-" "\xc3\x28"\n' + bytes([FORMATS["nginx"]]), "bad-invalid-utf8")

# ---- API JSON: list bodies and watch events (layout: body, chunk size (2 bytes), kind index) ----
samples = read("tests/kubeclient/stream_samples.cpp").decode()
KIND = {"Namespace": 0, "Node": 1, "IngressClass": 2, "Ingress": 3, "Service": 4, "EndpointSlice": 5, "Pod": 6, "ConfigMap": 7}
def api(body, kind, chunk=7):
    return body.encode() + bytes([chunk & 0xff, chunk >> 8, KIND[kind]])
svc_list = '{"kind":"ServiceList","apiVersion":"v1","metadata":{"resourceVersion":"4711","continue":"x"},"items":[{"metadata":{"name":"a","namespace":"x","uid":"u1","resourceVersion":"5"},"spec":{"selector":{"app":"a"},"ports":[{"name":"http","port":80,"targetPort":"http"}]}},{"metadata":{"name":"b]","namespace":"x"}}]}'
put("api_json", api(svc_list, "Service"), "service-list")
ing = json.loads(json.dumps({"kind": "IngressList", "apiVersion": "networking.k8s.io/v1", "metadata": {"resourceVersion": "9"}, "items": [
    {"metadata": {"name": "web", "namespace": "shop", "annotations": {"nginx.ingress.kubernetes.io/canary": "true"}, "managedFields": [{"manager": "kubectl"}]},
     "spec": {"ingressClassName": "nginx", "tls": [{"hosts": ["shop.example.com"], "secretName": "tls"}],
              "rules": [{"host": "shop.example.com", "http": {"paths": [{"path": "/api", "pathType": "Prefix", "backend": {"service": {"name": "api", "port": {"number": 80}}}}]}}]}}]}))
put("api_json", api(json.dumps(ing), "Ingress", 64), "ingress-list")
eps = {"kind": "EndpointSliceList", "apiVersion": "discovery.k8s.io/v1", "metadata": {}, "items": [{"metadata": {"name": "api-1", "namespace": "shop", "labels": {"kubernetes.io/service-name": "api"}}, "addressType": "IPv4", "ports": [{"name": "http", "port": 9000}], "endpoints": [{"addresses": ["10.244.1.1"], "conditions": {"ready": True}, "targetRef": {"kind": "Pod", "name": "api-x"}}]}]}
put("api_json", api(json.dumps(eps), "EndpointSlice", 3), "endpointslice-list")
put("api_json", api('{"type":"ADDED","object":{"kind":"Pod","metadata":{"name":"p","namespace":"x","resourceVersion":"3"},"status":{"podIP":"10.0.0.1","phase":"Running"}}}', "Pod"), "watch-event")
put("api_json", api('{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","status":"Failure","message":"too old resource version","reason":"Expired","code":410}}', "Pod"), "watch-error")
put("api_json", api('{"apiVersion":"v1","kind":"Secret","metadata":{"name":"t","namespace":"x"},"type":"kubernetes.io/tls","data":{"tls.crt":"LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUI=","tls.key":"eA=="}}', "ConfigMap"), "secret")
put("api_json", api('{"items":[' + "[" * 200 + "]" * 200 + ']}', "Pod"), "bad-deep")
put("api_json", api('{"items":[{"metadata":{"name":"\xff\xfe"}}', "Pod"), "bad-truncated-utf8")

# ---- watch stream (layout: stream, cut sizes (1 byte each), number of cuts) ---------------------
events = [bytes(s, "utf-8").decode("unicode_escape") for s in re.findall(r'R"\((\{"type".*?)\)"', samples)]
stream = "\n".join(events) + "\n" if events else '{"type":"ADDED","object":{"kind":"Pod","metadata":{"name":"a"}}}\n'
put("watch_stream", stream.encode() + bytes([3, 5, 1, 3]), "tests-events")
put("watch_stream", ('{"type":"ADDED","object":{"kind":"Pod","metadata":{"name":"a {b}","annotations":{"x":"say \\"}\\" and \\\\"}}}}'
                     '{"type":"BOOKMARK","object":{"kind":"Pod","metadata":{"resourceVersion":"12"}}} 42 true "s"').encode() + bytes([7, 1, 2]), "concatenated")

# ---- requests: url, variable expression, a name, then "Name: value" headers ---------------------
for url, expr in [("https://shop.example.com:8443/api/v2/orders?page=2&x=%41", "$host$request_uri"),
                  ("shop.example.com/a/../b//c/%2e%2e/d", "$uri-$arg_page-$cookie_session"),
                  ("/just/a/path?q", "user-$http_x_user$remote_addr"),
                  ("http://[::1]:80/%zz%00", "${host}x$scheme://$server_name"),
                  ("HTTPS://Shop.Example.COM./", "$binary_remote_addr$request_method$args")]:
    put("request", field(url) + field(expr) + field("page") + "X-User: 42\\xCookie: session=abc; a=b\\xHost: other.example\\x")

# ---- routing: regex path, hash-by, header pattern, HTTPRoute path regex, header regex, target ---
for parts in [("/api/v(\\d+)/(.*)", "$request_uri", "^always$", "/api/v[0-9]+/.*", "^(a|b)+$", "/api/v2/orders", "always"),
              ("/(?i)shop/([a-z]+)", "$host$arg_user", ".*", "/shop/.+", ".*", "/SHOP/cart", "x"),
              ("/(", "$cookie_", "(", "(", "[", "/(", "\xff"),
              ("/a{2,}(?<name>b)\\1", "$remote_addr", "a**", "(a+)+$", "(?P<n>x)", "/aaab", "yes")]:
    put("route", "".join(field(p) for p in parts[:-1]) + parts[-1])

total = sum(os.path.getsize(os.path.join(dp, f)) for dp, _, fs in os.walk(corpus) for f in fs)
print("corpora: %d files, %d KB" % (sum(len(fs) for _, _, fs in os.walk(corpus)), total // 1024))
