#include "imr/input/pdf_text_reference.h"

#include <poppler-document.h>
#include <poppler-global.h>
#include <poppler-page.h>

#include <memory>
#include <vector>

namespace imr::input {

result<std::string> extract_pdf_text_with_poppler_cpp(std::string_view bytes,
                                                      size_t max_text_bytes) {
    // poppler-cpp prints broken documents' fragments unless told not to.
    poppler::set_debug_error_function([](const std::string&, void*) {}, nullptr);
    // poppler-cpp wants a mutable buffer it may keep for the document's lifetime.
    std::vector<char> buffer(bytes.begin(), bytes.end());
    std::unique_ptr<poppler::document> document(poppler::document::load_from_data(&buffer));
    if (!document) return {errc::bad_pdf, "the PDF could not be opened"};
    if (document->is_locked()) return {errc::bad_pdf, "the PDF is encrypted"};

    std::string text;
    const int pages = document->pages();
    if (pages <= 0) return {errc::bad_pdf, "the PDF has no pages"};
    for (int index = 0; index < pages; ++index) {
        std::unique_ptr<poppler::page> page(document->create_page(index));
        if (!page) return {errc::bad_pdf, "a PDF page could not be read"};
        const poppler::byte_array utf8 =
            page->text(poppler::rectf(), poppler::page::physical_layout).to_utf8();
        if (index > 0) text.push_back('\f');
        text.append(utf8.data(), utf8.size());
        if (text.size() > max_text_bytes) {
            return {errc::too_complex, "the PDF's text went over the text limit (" +
                                           std::to_string(max_text_bytes) + " bytes)"};
        }
    }
    return text;
}

}  // namespace imr::input
