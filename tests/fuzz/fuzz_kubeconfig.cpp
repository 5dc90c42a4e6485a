// kubeconfig files: parsing, then choosing the context and validating it as `--kubeconfig` does.
#include "fuzz_util.h"
#include "kubeclient/kubeconfig.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto config = hs::kube::parseKubeConfig(hs::fuzz::asText(data, size), "/fuzz/kubeconfig");
    if (!config) return 0;
    hs::kube::KubeConfig merged;
    hs::kube::mergeKubeConfig(merged, *config);
    (void)hs::kube::resolveClientConfig(merged);
    return 0;
}
