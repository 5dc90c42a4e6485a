// Trace readers, every format: the first byte picks the format (or auto-detection); for `custom`
// a log_format string comes first. All records are read, as a replay would.
#include "fuzz_util.h"
#include "simulator/trace/trace_reader.h"

#include <fuzzer/FuzzedDataProvider.h>

using hs::trace::TraceFormat;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    static constexpr TraceFormat kFormats[] = {
        TraceFormat::Auto,          TraceFormat::Jsonl,  TraceFormat::Csv, TraceFormat::IngressNginx,
        TraceFormat::NginxCombined, TraceFormat::Custom, TraceFormat::Har};
    hs::trace::TraceOptions options;
    options.format = in.PickValueInArray(kFormats);
    if (options.format == TraceFormat::Custom) options.logFormat = in.ConsumeRandomLengthString(256);
    options.maxLineBytes = 1 << 16;
    auto opened = hs::trace::openTraceBytes(in.ConsumeRemainingBytesAsString(), "fuzz.log", options);
    if (!opened.reader) return 0;
    hs::trace::TraceRecord rec;
    std::size_t records = 0;
    while (opened.reader->next(rec) && ++records < 100'000) {
        if (rec.kind == hs::trace::TraceRecord::Kind::Request) {
            (void)rec.request.hostName();
            (void)rec.request.path();
        }
    }
    (void)opened.reader->inputError();
    (void)opened.reader->notes();
    return 0;
}
