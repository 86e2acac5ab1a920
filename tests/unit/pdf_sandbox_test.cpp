#include "imr/input/pdf_sandbox.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <zlib.h>

#include <chrono>
#include <string>
#include <vector>

#include "test_support.h"

namespace {

using imr::errc;
using imr::input::pdf_budget;
using imr::input::pdf_helper_command;
using imr::input::pdf_sandbox;
using imr::testing::read_fixture;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

const pdf_helper_command helper{IMR_PDF_HELPER, {}};

// `chunk` repeated up to `total` bytes, deflated without holding the inflated bytes.
std::string deflate_repeated(std::string_view prefix, std::string_view chunk, size_t total,
                             std::string_view suffix) {
    z_stream z{};
    deflateInit(&z, Z_BEST_SPEED);
    std::string out;
    std::string block;
    while (block.size() < (size_t{1} << 20)) block += chunk;
    std::vector<char> buffer(1 << 16);
    const auto feed = [&](std::string_view piece, int flush) {
        z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(piece.data()));
        z.avail_in = static_cast<uInt>(piece.size());
        do {
            z.next_out = reinterpret_cast<Bytef*>(buffer.data());
            z.avail_out = static_cast<uInt>(buffer.size());
            deflate(&z, flush);
            out.append(buffer.data(), buffer.size() - z.avail_out);
        } while (z.avail_out == 0);
    };
    feed(prefix, Z_NO_FLUSH);
    for (size_t left = total; left > 0;) {
        const size_t n = std::min(left, block.size());
        feed(std::string_view(block).substr(0, n), Z_NO_FLUSH);
        left -= n;
    }
    feed(suffix, Z_FINISH);
    deflateEnd(&z);
    return out;
}

// One page whose /Contents array references the same flate stream `references` times.
std::string one_page_pdf(const std::string& deflated, int references) {
    std::vector<std::string> objects = {
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        "",
        "<< /Length " + std::to_string(deflated.size()) + " /Filter /FlateDecode >>\nstream\n" +
            deflated + "\nendstream",
    };
    std::string contents;
    for (int i = 0; i < references; ++i) contents += "5 0 R ";
    objects[3] =
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << "
        "/F1 3 0 R >> >> /Contents [" +
        contents + "] >>";
    return imr::testing::pdf_from_objects(objects);
}

class PdfSandbox : public ::testing::Test {
  protected:
    pdf_sandbox sandbox{helper, pdf_budget{.cpu = 500ms, .memory_bytes = size_t{96} << 20}};

    void expect_letter_read() {
        const auto text = sandbox.extract(read_fixture("letter.pdf"));
        ASSERT_TRUE(text.has_value()) << text.err().message;
        EXPECT_THAT(*text, HasSubstr("right shoulder: Upheld"));
    }
};

TEST_F(PdfSandbox, ReadsPdfsInOneHelperReusedAcrossDocuments) {
    expect_letter_read();
    const pid_t helper_pid = sandbox.helper_pid();
    EXPECT_GT(helper_pid, 0);
    expect_letter_read();
    EXPECT_EQ(sandbox.helper_pid(), helper_pid);
}

TEST_F(PdfSandbox, ReportsWhatTheLibraryRejectsAsBadPdf) {
    const auto text = sandbox.extract("%PDF-1.4\nnot a PDF at all");
    ASSERT_FALSE(text.has_value());
    EXPECT_EQ(text.err().code, errc::bad_pdf);
}

// Regression (issue 8, defect 1): a stream inflating to much, referenced many times from
// /Contents, held a worker for minutes.
TEST_F(PdfSandbox, StopsAPdfOverItsCpuBudgetAndGoesOn) {
    const auto started = std::chrono::steady_clock::now();
    const auto text =
        sandbox.extract(one_page_pdf(deflate_repeated("", " ", size_t{64} << 20, ""), 400));
    ASSERT_FALSE(text.has_value());
    EXPECT_EQ(text.err().code, errc::too_complex);
    // The CPU time limit, or on a machine too busy to give the helper its 500 ms, the
    // wall-clock deadline of five times that.
    EXPECT_THAT(text.err().message, ::testing::AnyOf(HasSubstr("CPU time limit (500 ms)"),
                                                     HasSubstr("time limit (2500 ms")));
    EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
    EXPECT_EQ(sandbox.helper_pid(), 0);
    expect_letter_read();  // a new helper
}

// Regression (issue 8, defect 2): a string literal of 1 GiB cost 1 GB; content inflating to
// hundreds of MB took the process past 4 GiB.
TEST_F(PdfSandbox, StopsAPdfOverItsMemoryBudgetAndGoesOn) {
    pdf_sandbox roomy_cpu{helper, pdf_budget{.cpu = 20s, .memory_bytes = size_t{64} << 20}};
    const auto text = roomy_cpu.extract(
        one_page_pdf(deflate_repeated("BT /F1 1 Tf (", "a", size_t{160} << 20, ") Tj ET"), 1));
    ASSERT_FALSE(text.has_value());
    EXPECT_EQ(text.err().code, errc::too_complex);
    EXPECT_THAT(text.err().message, HasSubstr("memory limit (64 MiB)"));
    const auto again = roomy_cpu.extract(read_fixture("letter.pdf"));
    EXPECT_TRUE(again.has_value());
}

TEST_F(PdfSandbox, ReplacesAHelperThatDiedBetweenDocuments) {
    expect_letter_read();
    ::kill(sandbox.helper_pid(), SIGKILL);
    ::usleep(200'000);  // dead, not dying: one dying under a request costs that request
    expect_letter_read();
}

// A helper that crashed while idle leaves a last word on its socket; it must not be read
// as the next document's answer.
TEST_F(PdfSandbox, ReplacesAHelperThatCrashedWhileIdle) {
    expect_letter_read();
    const pid_t first = sandbox.helper_pid();
    ::kill(first, SIGSEGV);
    ::usleep(200'000);
    expect_letter_read();
    EXPECT_NE(sandbox.helper_pid(), first);
}

TEST(PdfSandboxInProcess, ReadsPdfsWithoutAHelperWhenNoneIsConfigured) {
    pdf_sandbox in_process{{}, {}};
    const auto text = in_process.extract(read_fixture("letter.pdf"));
    ASSERT_TRUE(text.has_value());
    EXPECT_EQ(in_process.helper_pid(), 0);
}

}  // namespace
