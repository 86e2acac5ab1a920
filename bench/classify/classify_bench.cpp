// Throughput of the engine over the reference letters, per core (single thread):
//   Text:   normalized letter text -> outcome record (the Kafka path for text payloads)
//   UnseenText: the same, each letter read by an engine that has never read it: a fresh
//           engine per iteration reads every other letter first (untimed), then the rest are
//           timed. The regex engines build their automata lazily, from the text they meet,
//           so Text (every letter read thousands of times) flatters them; a service reads
//           every letter once.
//   BuildEngine: compiling the vocabulary, paid once per process.
//   Pdf:    PDF bytes -> outcome record (extraction + classification), in-process
//   PdfInHelper: the same with extraction in a PDF helper process under the per-document
//           budget, as `imr-stream` runs it: the cost of the sandbox is the difference
//   PopplerOnly: PDF bytes -> text with poppler-cpp's page::text(), the extraction alone,
//           as it was before pdf_text_extractor: the PDF baseline.
//   PdfTextExtractor: the same text (checked before timing) with pdf_text_extractor, the
//           extraction `imr-stream` uses, with its set-up kept from document to document.
//   Letters (with --letters=DIR): the files of DIR, read into memory first, through the same
//           classifier: the engine's rate on the letters `imr-stream classify DIR` reads
//           (bench/classify/offline.sh compares the two); also on two threads.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "imr/classify/vocabulary.h"
#include "imr/engine/document_classifier.h"
#include "imr/engine/engine.h"
#include "imr/input/pdf_text.h"
#include "imr/input/pdf_text_reference.h"

namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    return std::move(content).str();
}

struct corpus {
    std::vector<std::string> texts;       // seeds as text + every PDF's extracted text
    std::vector<std::string> seed_texts;  // the text letters alone (the stream benchmark's input)
    std::vector<std::string> pdfs;
    std::vector<std::string> pdf_texts;  // each PDF's text as poppler-cpp gives it
    size_t text_bytes = 0;
    size_t pdf_bytes = 0;
};

const corpus& load_corpus() {
    static const corpus loaded = [] {
        imr::input::silence_pdf_library_diagnostics();
        corpus c;
        std::vector<fs::path> files;
        for (const auto& entry : fs::recursive_directory_iterator(IMR_CORPUS_DIR)) {
            const auto ext = entry.path().extension();
            if (ext == ".txt" || ext == ".pdf") files.push_back(entry.path());
        }
        std::sort(files.begin(), files.end());
        for (const auto& file : files) {
            std::string bytes = read_file(file);
            if (file.extension() == ".pdf") {
                auto text = imr::input::extract_pdf_text_with_poppler_cpp(bytes);
                if (!text) throw std::runtime_error("cannot extract " + file.string());
                c.pdf_texts.push_back(*text);
                c.texts.push_back(std::move(text).value());
                c.pdf_bytes += bytes.size();
                c.pdfs.push_back(std::move(bytes));
            } else {
                c.seed_texts.push_back(bytes);
                c.texts.push_back(std::move(bytes));
            }
        }
        for (const auto& t : c.texts) c.text_bytes += t.size();
        if (c.texts.empty()) throw std::runtime_error("no letters under " IMR_CORPUS_DIR);
        return c;
    }();
    return loaded;
}

const imr::engine& shared_engine() {
    static const imr::classify::vocabulary words = imr::classify::builtin_vocabulary();
    static const imr::engine engine(words);
    return engine;
}

// Runs `documents` through the classifier once, failing the benchmark on any error:
// a fast wrong answer is not a result.
bool verify(benchmark::State& state, imr::document_classifier& classifier,
            const std::vector<std::string>& documents) {
    for (const auto& document : documents) {
        auto result = classifier.classify(document, {});
        if (result.failure) {
            state.SkipWithError(("classification failed: " + result.failure->message).c_str());
            return false;
        }
    }
    return true;
}

void run_documents(benchmark::State& state, const std::vector<std::string>& documents,
                   size_t total_bytes, imr::input::decoder_limits limits = {}) {
    imr::null_classification_probe probe;
    imr::document_classifier classifier(shared_engine(), std::move(limits), probe);
    if (!verify(state, classifier, documents)) return;
    size_t index = 0;
    for (auto _ : state) {
        auto result = classifier.classify(documents[index], {});
        benchmark::DoNotOptimize(result.json.data());
        index = (index + 1) % documents.size();
    }
    const double average = static_cast<double>(total_bytes) / static_cast<double>(documents.size());
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
    state.SetBytesProcessed(
        static_cast<int64_t>(static_cast<double>(state.iterations()) * average));
    state.counters["letters"] = static_cast<double>(documents.size());
}

void BM_ClassifyText(benchmark::State& state) {
    const corpus& c = load_corpus();
    run_documents(state, c.texts, c.text_bytes);
}
BENCHMARK(BM_ClassifyText)->Unit(benchmark::kMicrosecond);

void BM_ClassifyUnseenText(benchmark::State& state) {
    const corpus& c = load_corpus();
    std::vector<std::string> seen;
    std::vector<std::string> unseen;
    size_t unseen_bytes = 0;
    for (size_t i = 0; i < c.texts.size(); ++i) {
        if (i % 2 == 0) {
            seen.push_back(c.texts[i]);
        } else {
            unseen.push_back(c.texts[i]);
            unseen_bytes += c.texts[i].size();
        }
    }
    const imr::classify::vocabulary words = imr::classify::builtin_vocabulary();
    imr::null_classification_probe probe;
    for (auto _ : state) {
        state.PauseTiming();
        const imr::engine fresh(words);
        imr::document_classifier classifier(fresh, {}, probe);
        if (!verify(state, classifier, seen)) return;
        state.ResumeTiming();
        for (const auto& text : unseen) {
            auto result = classifier.classify(text, {});
            benchmark::DoNotOptimize(result.json.data());
        }
    }
    const auto per_iteration = static_cast<int64_t>(unseen.size());
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * per_iteration);
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * unseen_bytes));
    state.counters["letters"] = static_cast<double>(unseen.size());
}
BENCHMARK(BM_ClassifyUnseenText)->Unit(benchmark::kMillisecond);

// What every process pays once before its first letter: compiling the vocabulary.
void BM_BuildEngine(benchmark::State& state) {
    const imr::classify::vocabulary words = imr::classify::builtin_vocabulary();
    for (auto _ : state) {
        const imr::engine fresh(words);
        benchmark::DoNotOptimize(&fresh);
    }
}
BENCHMARK(BM_BuildEngine)->Unit(benchmark::kMillisecond);

// The letters bench/stream/run_throughput.sh publishes: its pipeline efficiency is the stream's
// rate over this one, measured on the same core.
void BM_ClassifySeedTexts(benchmark::State& state) {
    const corpus& c = load_corpus();
    size_t bytes = 0;
    for (const auto& t : c.seed_texts) bytes += t.size();
    run_documents(state, c.seed_texts, bytes);
}
BENCHMARK(BM_ClassifySeedTexts)->Unit(benchmark::kMicrosecond);

void BM_ClassifyPdf(benchmark::State& state) {
    const corpus& c = load_corpus();
    run_documents(state, c.pdfs, c.pdf_bytes);
}
BENCHMARK(BM_ClassifyPdf)->Unit(benchmark::kMicrosecond);

void BM_ClassifyPdfInHelper(benchmark::State& state) {
    const corpus& c = load_corpus();
    imr::input::decoder_limits limits;
    limits.pdf_helper = {IMR_STREAM_PROGRAM, {"__pdf-helper"}};
    run_documents(state, c.pdfs, c.pdf_bytes, std::move(limits));
}
BENCHMARK(BM_ClassifyPdfInHelper)->Unit(benchmark::kMicrosecond);

template <typename Extract>
void run_extraction(benchmark::State& state, Extract extract) {
    const corpus& c = load_corpus();
    size_t index = 0;
    for (auto _ : state) {
        auto text = extract(c.pdfs[index]);
        benchmark::DoNotOptimize(text);
        index = (index + 1) % c.pdfs.size();
    }
    const double average = static_cast<double>(c.pdf_bytes) / static_cast<double>(c.pdfs.size());
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
    state.SetBytesProcessed(
        static_cast<int64_t>(static_cast<double>(state.iterations()) * average));
}

void BM_PopplerOnly(benchmark::State& state) {
    run_extraction(state, [](const std::string& pdf) {
        return imr::input::extract_pdf_text_with_poppler_cpp(pdf);
    });
}
BENCHMARK(BM_PopplerOnly)->Unit(benchmark::kMicrosecond);

void BM_PdfTextExtractor(benchmark::State& state) {
    const imr::input::pdf_text_extractor extractor;
    const corpus& c = load_corpus();
    for (size_t index = 0; index < c.pdfs.size(); ++index) {
        auto text = extractor.extract(c.pdfs[index]);
        if (!text || *text != c.pdf_texts[index]) {
            state.SkipWithError("pdf_text_extractor's text differs from poppler-cpp's");
            return;
        }
    }
    run_extraction(state, [&extractor](const std::string& pdf) { return extractor.extract(pdf); });
}
BENCHMARK(BM_PdfTextExtractor)->Unit(benchmark::kMicrosecond);

// The letter files of `dir` (sorted, as `classify` orders them), in memory.
std::vector<std::string> read_letters(const fs::path& dir, size_t& bytes) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
        const auto ext = entry.path().extension();
        if (entry.is_regular_file() && (ext == ".txt" || ext == ".pdf")) {
            files.push_back(entry.path());
        }
    }
    std::sort(files.begin(), files.end());
    std::vector<std::string> letters;
    letters.reserve(files.size());
    for (const auto& file : files) {
        letters.push_back(read_file(file));
        bytes += letters.back().size();
    }
    if (letters.empty()) throw std::runtime_error("no letters under " + dir.string());
    return letters;
}

void BM_ClassifyLetters(benchmark::State& state, const std::vector<std::string>* letters,
                        size_t bytes) {
    run_documents(state, *letters, bytes);
}

}  // namespace

int main(int argc, char** argv) {
    // --letters=DIR is ours, the rest Google Benchmark's.
    constexpr std::string_view letters_flag = "--letters=";
    std::vector<std::string> letters;
    size_t letters_bytes = 0;
    std::vector<char*> args;
    for (int i = 0; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg.starts_with(letters_flag)) {
            letters = read_letters(fs::path(arg.substr(letters_flag.size())), letters_bytes);
        } else {
            args.push_back(argv[i]);
        }
    }
    if (!letters.empty()) {
        benchmark::RegisterBenchmark("BM_ClassifyLetters", BM_ClassifyLetters, &letters,
                                     letters_bytes)
            ->Unit(benchmark::kMicrosecond);
        // Two threads with their own classifiers and the shared engine: what `classify --jobs 2`
        // can reach on this machine at this moment.
        benchmark::RegisterBenchmark("BM_ClassifyLetters", BM_ClassifyLetters, &letters,
                                     letters_bytes)
            ->Unit(benchmark::kMicrosecond)
            ->Threads(2)
            ->UseRealTime();
    }
    int count = static_cast<int>(args.size());
    benchmark::Initialize(&count, args.data());
    if (benchmark::ReportUnrecognizedArguments(count, args.data())) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
