// Decoding API list responses: the JSON parser choice for kubeclient. Debian's simdjson build
// runs its on-demand API on the portable "fallback" kernel, while the DOM API picks the CPU's
// kernel at run time (icelake/haswell here); this measures both on a 10,000-Pod list shaped like
// the API server's (a real Pod from the test cluster, managedFields included), split into items
// as kubeclient does, each item decoded into a model Pod.
#include "kubeclient/json_stream.h"
#include "kubeclient/object_decoder.h"
#include "model/decode.h"

#include <benchmark/benchmark.h>
#include <simdjson.h>

#include <string>

namespace {

const std::string kPodTemplate =
    "{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"@NAME@\",\"namespace\":\"scale-00\",\"uid\":\"2d7b1992-0863-427b-a793-df50abab43a9\",\"resourceVersion\":\"4362\",\"generation\":1,\"creationTimestamp\":\"2026-11-25T02:46:27Z\",\"labels\":{\"app\":\"svc-00001\",\"hopscope.test/seeded\":\"true\"},\"managedFields\":[{\"manager\":\"hopscope-seed\",\"operation\":\"Update\",\"apiVersion\":\"v1\",\"time\":\"2026-11-25T02:46:27Z\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:metadata\":{\"f:labels\":{\".\":{},\"f:app\":{},\"f:hopscope.test/seeded\":{}}},\"f:spec\":{\"f:automountServiceAccountToken\":{},\"f:containers\":{\"k:{\\\"name\\\":\\\"svc-00001\\\"}\":{\".\":{},\"f:image\":{},\"f:imagePullPolicy\":{},\"f:name\":{},\"f:ports\":{\".\":{},\"k:{\\\"containerPort\\\":8080,\\\"protocol\\\":\\\"TCP\\\"}\":{\".\":{},\"f:containerPort\":{},\"f:name\":{},\"f:protocol\":{}}},\"f:resources\":{},\"f:terminationMessagePath\":{},\"f:terminationMessagePolicy\":{}}},\"f:dnsPolicy\":{},\"f:enableServiceLinks\":{},\"f:nodeName\":{},\"f:restartPolicy\":{},\"f:schedulerName\":{},\"f:securityContext\":{},\"f:terminationGracePeriodSeconds\":{}}}},{\"manager\":\"hopscope-seed\",\"operation\":\"Update\",\"apiVersion\":\"v1\",\"time\":\"2026-11-25T02:46:27Z\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:status\":{\"f:conditions\":{\".\":{},\"k:{\\\"type\\\":\\\"ContainersReady\\\"}\":{\".\":{},\"f:lastProbeTime\":{},\"f:lastTransitionTime\":{},\"f:status\":{},\"f:type\":{}},\"k:{\\\"type\\\":\\\"Initialized\\\"}\":{\".\":{},\"f:lastProbeTime\":{},\"f:lastTransitionTime\":{},\"f:status\":{},\"f:type\":{}},\"k:{\\\"type\\\":\\\"PodScheduled\\\"}\":{\".\":{},\"f:lastProbeTime\":{},\"f:lastTransitionTime\":{},\"f:status\":{},\"f:type\":{}},\"k:{\\\"type\\\":\\\"Ready\\\"}\":{\".\":{},\"f:lastProbeTime\":{},\"f:lastTransitionTime\":{},\"f:status\":{},\"f:type\":{}}},\"f:containerStatuses\":{},\"f:hostIP\":{},\"f:hostIPs\":{},\"f:phase\":{},\"f:podIP\":{},\"f:podIPs\":{\".\":{},\"k:{\\\"ip\\\":\\\"@IP@\\\"}\":{\".\":{},\"f:ip\":{}}},\"f:startTime\":{}}},\"subresource\":\"status\"}]},\"spec\":{\"containers\":[{\"name\":\"svc-00001\",\"image\":\"registry.example.invalid/svc-00001:1.0\",\"ports\":[{\"name\":\"http\",\"containerPort\":8080,\"protocol\":\"TCP\"}],\"resources\":{},\"terminationMessagePath\":\"/dev/termination-log\",\"terminationMessagePolicy\":\"File\",\"imagePullPolicy\":\"IfNotPresent\"}],\"restartPolicy\":\"Always\",\"terminationGracePeriodSeconds\":0,\"dnsPolicy\":\"ClusterFirst\",\"automountServiceAccountToken\":false,\"nodeName\":\"hs-node-1\",\"securityContext\":{},\"schedulerName\":\"default-scheduler\",\"tolerations\":[{\"key\":\"node.kubernetes.io/not-ready\",\"operator\":\"Exists\",\"effect\":\"NoExecute\",\"tolerationSeconds\":300},{\"key\":\"node.kubernetes.io/unreachable\",\"operator\":\"Exists\",\"effect\":\"NoExecute\",\"tolerationSeconds\":300}],\"priority\":0,\"enableServiceLinks\":true,\"preemptionPolicy\":\"PreemptLowerPriority\"},\"status\":{\"phase\":\"Running\",\"conditions\":[{\"type\":\"PodScheduled\",\"status\":\"True\",\"lastProbeTime\":null,\"lastTransitionTime\":\"2026-11-25T02:46:27Z\"},{\"type\":\"Initialized\",\"status\":\"True\",\"lastProbeTime\":null,\"lastTransitionTime\":\"2026-11-25T02:46:27Z\"},{\"type\":\"ContainersReady\",\"status\":\"True\",\"lastProbeTime\":null,\"lastTransitionTime\":\"2026-11-25T02:46:27Z\"},{\"type\":\"Ready\",\"status\":\"True\",\"lastProbeTime\":null,\"lastTransitionTime\":\"2026-11-25T02:46:27Z\"}],\"hostIP\":\"10.0.0.11\",\"hostIPs\":[{\"ip\":\"10.0.0.11\"}],\"podIP\":\"@IP@\",\"podIPs\":[{\"ip\":\"@IP@\"}],\"startTime\":\"2026-11-25T02:46:27Z\",\"containerStatuses\":[{\"name\":\"svc-00001\",\"state\":{\"running\":{\"startedAt\":\"2026-11-25T02:46:27Z\"}},\"lastState\":{},\"ready\":true,\"restartCount\":0,\"image\":\"registry.example.invalid/svc-00001:1.0\",\"imageID\":\"registry.example.invalid/svc-00001:1.0\",\"started\":true}],\"qosClass\":\"BestEffort\"}}";

std::string replaceAll(std::string s, const std::string& from, const std::string& to) {
    for (auto p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) s.replace(p, from.size(), to);
    return s;
}

const std::string& podList() {
    static const std::string list = [] {
        std::string s = R"({"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"4711"},"items":[)";
        for (int i = 0; i < 10000; ++i) {
            if (i) s += ',';
            std::string item = replaceAll(kPodTemplate, "@NAME@", "pod-" + std::to_string(i));
            s += replaceAll(item, "@IP@", "10.100." + std::to_string(i / 256) + '.' + std::to_string(i % 256));
        }
        return s + "]}";
    }();
    return list;
}

const hs::kube::ApiResource kPods{"", "v1", "pods", "Pod", true, hs::model::Kind::Pod};

template <class Fn>
void splitList(Fn&& onItem) {
    hs::kube::ListStreamSplitter splitter;
    const std::string& list = podList();
    for (std::size_t pos = 0; pos < list.size(); pos += 16384)  // libcurl hands over ~16 KiB at a time
        (void)splitter.feed(std::string_view(list).substr(pos, 16384), onItem);
}

void BM_SplitOnly(benchmark::State& state) {
    for (auto _ : state) {
        std::size_t n = 0;
        splitList([&](std::string_view) { ++n; });
        benchmark::DoNotOptimize(n);
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * podList().size()));
}

void BM_DomDecode(benchmark::State& state) {
    for (auto _ : state) {
        hs::kube::ObjectDecoder dec;
        std::size_t n = 0;
        splitList([&](std::string_view item) { n += dec.decodeItem(item, kPods).ok(); });
        benchmark::DoNotOptimize(n);
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * podList().size()));
}

namespace od = simdjson::ondemand;

simdjson::error_code toDoc(od::value v, hs::model::DocNode& out, bool inMetadata) {
    using hs::model::DocNode;
    using hs::model::ScalarType;
    od::json_type t;
    if (auto e = v.type().get(t)) return e;
    switch (t) {
    case od::json_type::object: {
        out.type = DocNode::Type::Map;
        od::object obj;
        if (auto e = v.get_object().get(obj)) return e;
        for (auto field : obj) {
            std::string_view key;
            if (auto e = field.unescaped_key().get(key)) return e;
            od::value child;
            if (auto e = field.value().get(child)) return e;
            if (inMetadata && key == "managedFields") continue;  // skipped unread, as kubeclient does
            out.members.emplace_back(std::string(key), DocNode{});
            if (auto e = toDoc(child, out.members.back().second, key == "metadata")) return e;
        }
        return simdjson::SUCCESS;
    }
    case od::json_type::array: {
        out.type = DocNode::Type::Sequence;
        od::array arr;
        if (auto e = v.get_array().get(arr)) return e;
        for (auto el : arr) {
            od::value child;
            if (auto e = el.get(child)) return e;
            out.items.emplace_back();
            if (auto e = toDoc(child, out.items.back(), false)) return e;
        }
        return simdjson::SUCCESS;
    }
    case od::json_type::string: {
        std::string_view s;
        if (auto e = v.get_string().get(s)) return e;
        out.type = DocNode::Type::Scalar;
        out.scalarType = ScalarType::String;
        out.scalar.assign(s);
        return simdjson::SUCCESS;
    }
    case od::json_type::number: {
        out.type = DocNode::Type::Scalar;
        out.scalarType = ScalarType::Int;
        std::string_view raw = v.raw_json_token();
        while (!raw.empty() && (raw.back() == ',' || raw.back() == '}' || raw.back() == ']' || raw.back() == ' '))
            raw.remove_suffix(1);
        out.scalar.assign(raw);
        return simdjson::SUCCESS;
    }
    case od::json_type::boolean: {
        bool b;
        if (auto e = v.get_bool().get(b)) return e;
        out.type = DocNode::Type::Scalar;
        out.scalarType = ScalarType::Bool;
        out.scalar = b ? "true" : "false";
        return simdjson::SUCCESS;
    }
    case od::json_type::null: out.type = DocNode::Type::Null; return simdjson::SUCCESS;
    }
    return simdjson::INCORRECT_TYPE;
}

void BM_OnDemandDecode(benchmark::State& state) {
    od::parser parser;
    for (auto _ : state) {
        std::size_t n = 0;
        splitList([&](std::string_view item) {
            simdjson::padded_string padded(item);
            od::document doc;
            od::value root;
            hs::model::DocNode node;
            if (parser.iterate(padded).get(doc) || doc.get_value().get(root) || toDoc(root, node, false)) return;
            hs::model::DecodeContext ctx;
            ctx.options.keepSourceText = false;
            hs::model::DecodeOutput out;
            n += hs::model::decodeObject(node, "v1", "Pod", ctx, out);
        });
        benchmark::DoNotOptimize(n);
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * podList().size()));
    state.SetLabel(std::string("on-demand kernel: ") + simdjson::builtin_implementation()->name());
}

void BM_DomParseOnly(benchmark::State& state) {
    simdjson::dom::parser parser;
    for (auto _ : state) {
        std::size_t n = 0;
        splitList([&](std::string_view item) {
            simdjson::dom::element e;
            n += parser.parse(item.data(), item.size()).get(e) == simdjson::SUCCESS;
        });
        benchmark::DoNotOptimize(n);
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * podList().size()));
    state.SetLabel(std::string("DOM kernel: ") + simdjson::get_active_implementation()->name());
}

}  // namespace

BENCHMARK(BM_SplitOnly)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DomParseOnly)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DomDecode)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_OnDemandDecode)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
