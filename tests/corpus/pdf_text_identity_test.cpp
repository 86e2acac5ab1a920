// Every reference PDF read by pdf_text_extractor gives, byte for byte, the text poppler-cpp's
// page::text() gave (the extraction it replaced), so every outcome stays what it was. One
// extractor reads them all, in order, as the PDF helper does.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "imr/input/pdf_text.h"
#include "imr/input/pdf_text_reference.h"
#include "test_support.h"

namespace {

namespace fs = std::filesystem;

TEST(PdfTextIdentity, EveryReferencePdfGivesPopplerCppsText) {
    imr::input::silence_pdf_library_diagnostics();
    std::vector<fs::path> pdfs;
    for (const auto& entry : fs::recursive_directory_iterator(IMR_TEST_DATA_DIR)) {
        if (entry.path().extension() == ".pdf") pdfs.push_back(entry.path());
    }
    std::sort(pdfs.begin(), pdfs.end());
    ASSERT_GE(pdfs.size(), 65U) << "reference PDFs under " << IMR_TEST_DATA_DIR;

    const imr::input::pdf_text_extractor extractor;
    for (const auto& path : pdfs) {
        SCOPED_TRACE(path.filename().string());
        const std::string pdf = imr::testing::read_fixture(path.string());
        const auto expected = imr::input::extract_pdf_text_with_poppler_cpp(pdf);
        ASSERT_TRUE(expected.has_value()) << expected.err().message;
        const auto actual = extractor.extract(pdf);
        ASSERT_TRUE(actual.has_value()) << actual.err().message;
        EXPECT_EQ(*actual, *expected);
    }
}

}  // namespace
