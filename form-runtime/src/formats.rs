//! The formats of the formatted question types (email, UK phone, UK postcode, NHS number,
//! unique pupil number), as patterns shared with the JSON Schema renderer, plus the check
//! digits that no pattern can express; and the accepted file types of a file question.

/// One entry of a file question's `accept` list, as the runtime and the renderers read it.
///
/// ```
/// use form_runtime::formats::FileType;
/// assert!(FileType::parse(".PDF").matches("report.pdf", "application/octet-stream"));
/// assert!(FileType::parse("image/*").matches("scan", "Image/PNG"));
/// assert!(!FileType::parse("image/*").matches("scan.png", "imagex/png"));
/// assert!(!FileType::parse("application/pdf").matches("a.pdf", "application/pdfx"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileType {
    /// `.pdf`: the file's name ends with this extension (lowercase, without the dot).
    Extension(String),
    /// `application/pdf`: exactly this media type (lowercase).
    MediaType(String),
    /// `image/*`: any media type of this family (lowercase, without the `/*`).
    MediaTypeFamily(String),
}

impl FileType {
    /// Reads an `accept` entry: `.ext`, `type/*` or `type/subtype`, in any case.
    pub fn parse(text: &str) -> FileType {
        if let Some(extension) = text.strip_prefix('.') {
            FileType::Extension(extension.to_ascii_lowercase())
        } else if let Some(family) = text.strip_suffix("/*") {
            FileType::MediaTypeFamily(family.to_ascii_lowercase())
        } else {
            FileType::MediaType(text.to_ascii_lowercase())
        }
    }

    /// Whether a file of this name and media type is of this type (in any case).
    pub fn matches(&self, name: &str, media_type: &str) -> bool {
        match self {
            FileType::Extension(wanted) => name
                .rsplit_once('.')
                .is_some_and(|(_, extension)| extension.eq_ignore_ascii_case(wanted)),
            FileType::MediaType(wanted) => media_type.eq_ignore_ascii_case(wanted),
            FileType::MediaTypeFamily(family) => media_type
                .split_once('/')
                .is_some_and(|(found, _)| found.eq_ignore_ascii_case(family)),
        }
    }
}

/// An email address: something, `@`, a domain with a dot. At most 254 characters.
pub const EMAIL_PATTERN: &str = r"^[^@\s]+@[^@\s]+\.[^@\s]+$";
/// The longest email address (RFC 5321).
pub const EMAIL_MAX_LENGTH: usize = 254;

/// A UK telephone number: `0` and 9 or 10 more digits, or `+44` (perhaps `+44 (0)`) and 9 or
/// 10 digits, with spaces, hyphens and brackets anywhere between the digits.
pub const PHONE_PATTERN: &str =
    r"^[ ()-]*(?:0|\+[ ()-]*44(?:[ ()-]*0)?)(?:[ ()-]*[0-9]){9,10}[ ()-]*$";

/// A full UK postcode, in capitals or not, with or without the space.
pub const POSTCODE_PATTERN: &str =
    r"^(?:[A-Za-z]{1,2}[0-9][A-Za-z0-9]? ?[0-9][A-Za-z]{2}|[Gg][Ii][Rr] ?0[Aa]{2})$";

/// An NHS number's shape: ten digits, perhaps grouped 3-3-4 by spaces or hyphens.
pub const NHS_NUMBER_PATTERN: &str = r"^[0-9]{3}[ -]?[0-9]{3}[ -]?[0-9]{4}$";

/// A unique pupil number's shape: a check letter, eleven digits, and a digit or a letter (a
/// temporary UPN). The letters I, O and S are never used.
pub const UPN_PATTERN: &str = r"^[A-HJ-NP-RT-Z][0-9]{11}[0-9A-HJ-NP-RT-Z]$";

/// The most characters a `text` answer may have when the question sets no `max_length`.
pub const TEXT_MAX_CHARS: usize = 10_000;
/// The most characters a `long_text` answer may have when the question sets no `max_length`.
pub const LONG_TEXT_MAX_CHARS: usize = 100_000;

/// Whether a character is a control character that no typed answer contains: every C0 and C1
/// control and DEL, except tab, line feed and carriage return.
pub fn is_forbidden_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// Whether text holds any character of [`is_forbidden_control`], scanning bytes: C0 controls
/// and DEL are single bytes, C1 controls are `C2 80` to `C2 9F` in UTF-8.
pub fn has_forbidden_control(text: &str) -> bool {
    forbidden_control_in(text.as_bytes())
}

/// [`has_forbidden_control`], on the bytes of a text.
pub(crate) fn forbidden_control_in(bytes: &[u8]) -> bool {
    if bytes.len() < 16 {
        return forbidden_between(bytes, 0, bytes.len());
    }
    // Many bytes at a time, a quick test that the compiler turns into a few vector
    // instructions: is any byte below a space, DEL, or the first byte of a C1 control? Most text
    // has none, and only a chunk that has one (most often a line break) is looked at closely.
    // The last sixteen bytes are tested apart, overlapping what comes before them.
    fn suspect<const N: usize>(chunk: &[u8; N]) -> bool {
        chunk.iter().fold(0u8, |found, &byte| {
            found | u8::from((byte < 0x20) | (byte == 0x7f) | (byte == 0xc2))
        }) != 0
    }
    let (chunks, _) = bytes.as_chunks::<64>();
    for (index, chunk) in chunks.iter().enumerate() {
        if suspect(chunk) && forbidden_between(bytes, index * 64, index * 64 + 64) {
            return true;
        }
    }
    let (rest, _) = bytes[chunks.len() * 64..].as_chunks::<16>();
    let from = chunks.len() * 64;
    for (index, chunk) in rest.iter().enumerate() {
        let at = from + index * 16;
        if suspect(chunk) && forbidden_between(bytes, at, at + 16) {
            return true;
        }
    }
    let last = bytes.len() - 16;
    bytes[last..]
        .as_chunks::<16>()
        .0
        .first()
        .is_some_and(|chunk| suspect(chunk) && forbidden_between(bytes, last, bytes.len()))
}

/// Whether a forbidden control character starts in `bytes[from..to]`.
fn forbidden_between(bytes: &[u8], from: usize, to: usize) -> bool {
    (from..to).any(|index| match bytes[index] {
        b'\t' | b'\n' | b'\r' => false,
        0..=0x1f | 0x7f => true,
        0xc2 => bytes
            .get(index + 1)
            .is_some_and(|next| (0x80..=0x9f).contains(next)),
        _ => false,
    })
}

/// The same characters as a regular expression class, for JSON Schema patterns.
pub const FORBIDDEN_CONTROL_CLASS: &str = r"[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]";

/// The 23 letters of UPN check letters, in order.
const UPN_LETTERS: &[u8; 23] = b"ABCDEFGHJKLMNPQRTUVWXYZ";

/// Whether an NHS number (in the shape of `NHS_NUMBER_PATTERN`) has a valid modulus 11 check
/// digit.
pub fn nhs_number_check_digit_ok(text: &str) -> bool {
    let digits: Vec<u32> = text.chars().filter_map(|c| c.to_digit(10)).collect();
    if digits.len() != 10 {
        return false;
    }
    let sum: u32 = digits[..9]
        .iter()
        .zip((2..=10).rev())
        .map(|(digit, weight)| digit * weight)
        .sum();
    let check = 11 - sum % 11;
    match check {
        11 => digits[9] == 0,
        10 => false,
        check => digits[9] == check,
    }
}

/// Whether a unique pupil number (in the shape of `UPN_PATTERN`) has the right check letter
/// (DfE algorithm: characters 2 to 13 weighted 2 to 13, modulo 23).
pub fn upn_check_letter_ok(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.len() != 13 {
        return false;
    }
    let mut sum = 0u32;
    for (index, byte) in bytes[1..].iter().enumerate() {
        let value = match byte {
            b'0'..=b'9' => u32::from(byte - b'0'),
            letter => match UPN_LETTERS.iter().position(|l| l == letter) {
                Some(position) => position as u32,
                None => return false,
            },
        };
        sum += value * (index as u32 + 2);
    }
    UPN_LETTERS[(sum % 23) as usize] == bytes[0]
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// The chunked scan finds a control character wherever it is in a text of any length,
        /// and nothing in text without one (tabs, line breaks, accents and no-break spaces).
        #[test]
        fn the_scan_agrees_with_each_character(
            text in "[a-z \t\n\r\u{e9}\u{a0}\u{2019}]{0,200}",
            control in prop::sample::select(vec!['\0', '\u{7}', '\u{1f}', '\u{7f}', '\u{80}', '\u{9f}']),
            at in any::<prop::sample::Index>(),
            insert in any::<bool>(),
        ) {
            let mut chars: Vec<char> = text.chars().collect();
            if insert {
                chars.insert(at.index(chars.len() + 1), control);
            }
            let text: String = chars.into_iter().collect();
            prop_assert_eq!(
                has_forbidden_control(&text),
                text.chars().any(is_forbidden_control),
                "{:?}", text
            );
        }
    }

    #[test]
    fn nhs_numbers() {
        assert!(nhs_number_check_digit_ok("9434765919"));
        assert!(nhs_number_check_digit_ok("943 476 5919"));
        assert!(!nhs_number_check_digit_ok("9434765918"));
        assert!(nhs_number_check_digit_ok("4010232137"));
    }

    #[test]
    fn upns() {
        assert!(upn_check_letter_ok("K801200112347"));
        assert!(upn_check_letter_ok("G307401519001"));
        assert!(!upn_check_letter_ok("A801200112347"));
    }

    #[test]
    fn control_characters() {
        for text in ["plain", "tab\tand\nlines\r", "£ é 😀 \u{a0}", ""] {
            assert!(!has_forbidden_control(text), "{text:?}");
        }
        for text in ["nul\0", "bell\u{7}", "del\u{7f}", "c1\u{85}", "c1\u{9f}x"] {
            assert!(has_forbidden_control(text), "{text:?}");
        }
        for c in (0..0x250).filter_map(char::from_u32) {
            assert_eq!(
                has_forbidden_control(&c.to_string()),
                is_forbidden_control(c),
                "{c:?}"
            );
        }
    }

    #[test]
    fn phones_and_postcodes() {
        let phone = regex::Regex::new(PHONE_PATTERN).unwrap();
        for ok in [
            "020 7946 0958",
            "07700 900123",
            "+44 (0)20 7946 0958",
            "+447700900123",
            "(01632) 960001",
            "01632 960 001",
        ] {
            assert!(phone.is_match(ok), "{ok}");
        }
        for bad in ["12345", "+1 202 555 0101", "0770090012345", "phone"] {
            assert!(!phone.is_match(bad), "{bad}");
        }
        let postcode = regex::Regex::new(POSTCODE_PATTERN).unwrap();
        for ok in ["SW1A 2AA", "w5 3pd", "EC1A1BB", "GIR 0AA"] {
            assert!(postcode.is_match(ok), "{ok}");
        }
        for bad in ["SW1A", "12345", "SW1A  2AA"] {
            assert!(!postcode.is_match(bad), "{bad}");
        }
    }
}
