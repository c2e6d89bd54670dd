//! Who may see and change each part of a form: the audience against the access rules of the
//! form, its sections and their elements (shared by the HTML pages and the PDF data).

use form_runtime::{Access, Audience, Form, Section};

/// Who may see and change a part, with the parts around it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Reach {
    pub(crate) seen: bool,
    pub(crate) writable: bool,
}

impl Reach {
    pub(crate) fn of_form(form: &Form, audience: Audience) -> Reach {
        let seen = audience == Audience::La || form.audiences.contains(&audience);
        Reach {
            seen,
            writable: seen,
        }
    }

    pub(crate) fn within(self, access: &Access, audience: Audience) -> Reach {
        let seen = self.seen && (audience == Audience::La || access.is_seen_by(audience));
        Reach {
            seen,
            writable: self.writable && seen && !access.locked_for.contains(&audience),
        }
    }
}

/// The sections the audience sees at all (whatever the answers).
pub(crate) fn seen_sections(form: &Form, audience: Audience) -> impl Iterator<Item = &Section> {
    let reach = Reach::of_form(form, audience);
    form.sections
        .iter()
        .filter(move |section| reach.within(&section.access, audience).seen)
}
