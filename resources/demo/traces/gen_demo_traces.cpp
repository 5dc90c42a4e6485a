// hopscope-demo-traces: writes the demo's traces (resources/demo/README.md, "Traces"). The build
// runs it to produce share/hopscope/demo/access.log.gz and browse.har; benchmarks run it for
// bigger logs. Output depends only on the arguments: same seed, same bytes.
//
//   hopscope-demo-traces --out FILE [--format ingress-nginx|jsonl|har] [--requests N] [--seed S]
//                        [--rate RPS] [--gzip]
#include "resources/demo.h"
#include "resources/demo/traces/demo_traffic.h"

#include <zlib.h>

#include <charconv>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

namespace {

int usage() {
    std::cerr << "usage: hopscope-demo-traces --out FILE [--format ingress-nginx|jsonl|har] [--requests N] [--seed S] "
                 "[--rate RPS] [--gzip]\n";
    return 2;
}

// A streambuf that gzips what it is given into a file, deterministically (no name, mtime 0).
class GzipBuf : public std::streambuf {
public:
    explicit GzipBuf(const std::string& path) : out_(path, std::ios::binary | std::ios::trunc) {
        std::memset(&z_, 0, sizeof z_);
        deflateInit2(&z_, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
        // zlib keeps a pointer to the header and writes it at the first deflate: a member, not a local
        header_.os = 3;  // Unix, always; time 0: the bytes do not depend on the build machine or clock
        deflateSetHeader(&z_, &header_);
        buf_.resize(1 << 16);
        setp(buf_.data(), buf_.data() + buf_.size());
    }
    ~GzipBuf() override { close(); }
    bool ok() const { return static_cast<bool>(out_); }
    void close() {
        if (closed_) return;
        flush(Z_FINISH);
        deflateEnd(&z_);
        out_.close();
        closed_ = true;
    }

protected:
    int overflow(int c) override {
        flush(Z_NO_FLUSH);
        if (c != EOF) {
            *pptr() = static_cast<char>(c);
            pbump(1);
        }
        return c == EOF ? 0 : c;
    }
    int sync() override { return 0; }

private:
    void flush(int mode) {
        z_.next_in = reinterpret_cast<Bytef*>(pbase());
        z_.avail_in = static_cast<uInt>(pptr() - pbase());
        char out[1 << 16];
        int rc;
        do {
            z_.next_out = reinterpret_cast<Bytef*>(out);
            z_.avail_out = sizeof out;
            rc = deflate(&z_, mode);
            out_.write(out, static_cast<std::streamsize>(sizeof out - z_.avail_out));
        } while (z_.avail_out == 0 || (mode == Z_FINISH && rc != Z_STREAM_END));
        setp(buf_.data(), buf_.data() + buf_.size());
    }

    std::ofstream out_;
    z_stream z_{};
    gz_header header_{};
    std::string buf_;
    bool closed_ = false;
};

}  // namespace

int main(int argc, char** argv) {
    std::string out, format = "ingress-nginx";
    hs::demo::TrafficOptions opt;
    bool gzip = false;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : std::string(); };
        if (a == "--out")
            out = value();
        else if (a == "--format")
            format = value();
        else if (a == "--requests")
            opt.requests = std::stoull(value());
        else if (a == "--seed")
            opt.seed = std::stoull(value());
        else if (a == "--rate")
            opt.ratePerSecond = std::stod(value());
        else if (a == "--gzip")
            gzip = true;
        else
            return usage();
    }
    if (out.empty() || opt.ratePerSecond <= 0) return usage();
    auto loaded = hs::demo::load();
    auto table = hs::sim::compileRouteTable(loaded.state, {});
    if (!table) return 2;

    std::ofstream plain;
    std::unique_ptr<GzipBuf> zbuf;
    std::ostream* os;
    std::ostream gzs(nullptr);
    if (gzip) {
        zbuf = std::make_unique<GzipBuf>(out);
        gzs.rdbuf(zbuf.get());
        os = &gzs;
    } else {
        plain.open(out, std::ios::binary | std::ios::trunc);
        os = &plain;
    }
    if (format == "ingress-nginx")
        hs::demo::writeIngressNginxLog(*os, table, opt);
    else if (format == "jsonl")
        hs::demo::writeJsonLines(*os, table, opt);
    else if (format == "har")
        hs::demo::writeBrowserHar(*os, table, opt.seed);
    else
        return usage();
    os->flush();
    if (zbuf) zbuf->close();
    if (!*os || (!gzip && !plain)) {
        std::cerr << "hopscope-demo-traces: cannot write " << out << '\n';
        return 1;
    }
    return 0;
}
