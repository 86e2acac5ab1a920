#include "imr/input/pdf_text.h"

#include <Catalog.h>
#include <Error.h>
#include <GfxState.h>
#include <GlobalParams.h>
#include <PDFDoc.h>
#include <Stream.h>
#include <TextOutputDev.h>
#include <goo/GooString.h>
#include <lcms2.h>
#include <poppler-global.h>

#include <vector>

namespace imr::input {
namespace {

// poppler's diagnostics quote fragments of the documents they are about.
void ignore_diagnostic(ErrorCategory /*category*/, Goffset /*position*/, const char* /*text*/) {}

void append_to_string(void* stream, const char* text, int length) {
    static_cast<std::string*>(stream)->append(text, static_cast<size_t>(length));
}

// poppler's text device for one document, reused from page to page. The only state a
// page leaves in it is an ActualText span the page opened and never closed (content
// streams may leave marked content unbalanced): that would swallow the next page's
// characters, so the device is then replaced, as poppler-cpp's device per page would be.
class document_text_device final : public TextOutputDev {
  public:
    explicit document_text_device(std::string& page_text)
        : TextOutputDev(&append_to_string, &page_text, /*physLayoutA=*/true, /*fixedPitchA=*/0,
                        /*rawOrderA=*/false, /*discardDiagA=*/false) {}

    void beginActualText(GfxState* state, const GooString* actual_text) override {
        span_open_ = true;
        TextOutputDev::beginActualText(state, actual_text);
    }
    void endActualText(GfxState* state) override {
        span_open_ = false;
        TextOutputDev::endActualText(state);
    }
    [[nodiscard]] bool reusable() const noexcept { return !span_open_; }

  private:
    bool span_open_ = false;
};

// poppler-cpp hands page text through its UTF-16 string (ustring): that cuts the text at
// the first NUL and at the first sequence iconv rejects. Kept, so that the text (and so
// every outcome) stays what it was.
void append_as_poppler_cpp(const std::string& page_text, std::string& text) {
    const poppler::byte_array utf8 = poppler::ustring::from_utf8(page_text.c_str()).to_utf8();
    text.append(utf8.data(), utf8.size());
}

}  // namespace

struct pdf_text_extractor::library {
    GlobalParamsIniter global_parameters{&ignore_diagnostic};
#ifdef USE_CMS
    GfxLCMSProfilePtr display_profile = make_GfxLCMSProfilePtr(cmsCreateLab4Profile(nullptr));
#endif

    [[nodiscard]] std::unique_ptr<document_text_device> text_device(std::string& page_text) const {
        auto device = std::make_unique<document_text_device>(page_text);
#ifdef USE_CMS
        device->setDisplayProfile(display_profile);
#endif
        return device;
    }
};

pdf_text_extractor::pdf_text_extractor() : library_(std::make_unique<library>()) {}

pdf_text_extractor::~pdf_text_extractor() = default;

bool looks_like_pdf(std::string_view bytes) noexcept {
    return bytes.substr(0, max_pdf_junk_bytes + 5).find("%PDF-") != std::string_view::npos;
}

void silence_pdf_library_diagnostics() {
    setErrorCallback(&ignore_diagnostic);
    poppler::set_debug_error_function([](const std::string&, void*) {}, nullptr);
}

result<std::string> pdf_text_extractor::extract(std::string_view bytes,
                                                size_t max_text_bytes) const {
    // poppler reads the document in place for its whole lifetime (MemStream owns nothing).
    std::vector<char> buffer(bytes.begin(), bytes.end());
    // Empty passwords, as poppler-cpp passes: an owner-password-only PDF opens.
    PDFDoc document(
        new MemStream(buffer.data(), 0, static_cast<Goffset>(buffer.size()), Object(objNull)),
        GooString(""), GooString(""));
    if (document.getErrorCode() == errEncrypted) return {errc::bad_pdf, "the PDF is encrypted"};
    if (!document.isOk()) return {errc::bad_pdf, "the PDF could not be opened"};

    const int pages = document.getNumPages();
    if (pages <= 0) return {errc::bad_pdf, "the PDF has no pages"};
    std::string text;
    std::string page_text;
    auto device = library_->text_device(page_text);
    for (int number = 1; number <= pages; ++number) {
        if (document.getCatalog()->getPage(number) == nullptr) {  // as poppler-cpp's create_page
            return {errc::bad_pdf, "a PDF page could not be read"};
        }
        if (!device->reusable()) device = library_->text_device(page_text);
        page_text.clear();
        // As page::text(): 72 dpi, no rotation, crop box, not printing.
        document.displayPage(device.get(), number, 72, 72, 0, /*useMediaBox=*/false,
                             /*crop=*/true, /*printing=*/false);
        if (number > 1) text.push_back('\f');
        append_as_poppler_cpp(page_text, text);
        if (text.size() > max_text_bytes) {
            return {errc::too_complex, "the PDF's text went over the text limit (" +
                                           std::to_string(max_text_bytes) + " bytes)"};
        }
    }
    return text;
}

result<std::string> extract_pdf_text(std::string_view bytes, size_t max_text_bytes) {
    return pdf_text_extractor().extract(bytes, max_text_bytes);
}

}  // namespace imr::input
