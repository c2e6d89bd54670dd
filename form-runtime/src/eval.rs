//! Evaluating compiled rules against one submission's answers.
//!
//! Rules read *effective* answers: an answer to a hidden question, an empty answer or an answer
//! of the wrong type counts as unanswered. Comparisons with an unanswered value are unknown
//! (three-valued logic, as in the language reference): a part shown "when" an unknown rule
//! stays hidden, a "required when" rule that is unknown does not require, and a check fails
//! only when its rule is definitely false.

use std::cell::Cell;

use jiff::civil::Date;

use crate::answers::{Answer, Answers, Kind};
use crate::compiled::{AnswerKind, CExpr, NodeKind, Simple, Validator};
use crate::table;
use crate::{Arithmetic, Comparison, DurationUnit};

/// A rule's outcome: true, false or unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tri {
    True,
    False,
    Unknown,
}

impl Tri {
    fn from_bool(value: bool) -> Tri {
        if value { Tri::True } else { Tri::False }
    }

    fn not(self) -> Tri {
        match self {
            Tri::True => Tri::False,
            Tri::False => Tri::True,
            Tri::Unknown => Tri::Unknown,
        }
    }
}

/// A value computed by an expression.
#[derive(Debug, Clone, Copy)]
#[repr(u8)]
enum Val<'a> {
    Unknown,
    Bool(bool),
    Num(f64),
    Str(&'a str),
    Date(Date),
    Duration(i64, DurationUnit),
    /// A list of codes (a multiple choice answer).
    Codes(Answer<'a>),
}

impl Val<'_> {
    fn tri(self) -> Tri {
        match self {
            Val::Bool(value) => Tri::from_bool(value),
            _ => Tri::Unknown,
        }
    }
}

/// How many parts [`Eval::undecided`] may look at, at most, for one answer.
const UNDECIDED_STEPS: u32 = 10_000;

/// The parts [`Eval::undecided`] may still look at.
type Steps = Cell<u32>;

/// The memo of one element's visibility in one frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Vis {
    NotYet,
    /// Being worked out: met again only through a dependency loop, which the compiler
    /// refuses; a hand-written `form.json` with one gets "hidden" rather than a stack overflow.
    Computing,
    Shown,
    Hidden,
}

/// One answer of a frame, with its visibility once known: eight bytes, so that a frame is
/// quick to clear and to fill.
#[derive(Debug, Clone)]
pub(crate) struct Slot {
    /// Where the answer is in the answers ([`Answers::at`]), or 0 for none: the first
    /// item is the answers' object, never an answer to a question.
    at: u32,
    /// Whether the value is empty ([`Answer::is_blank`]), read once as the frame is built.
    pub(crate) blank: bool,
    vis: Cell<Vis>,
}

// The frames' memory is what the comment above says.
const _: () = assert!(std::mem::size_of::<Slot>() == 8);

impl Slot {
    fn empty() -> Slot {
        Slot {
            at: 0,
            blank: false,
            vis: Cell::new(Vis::NotYet),
        }
    }
}

/// The answers of the root, or of one entry of a block, with the frames around it.
#[derive(Debug)]
pub(crate) struct Frame<'a, 'p> {
    pub(crate) level: usize,
    pub(crate) depth: usize,
    /// The answers the frame's slots point into.
    answers: &'a Answers,
    pub(crate) slots: Vec<Slot>,
    /// Keys that are not elements of this level, in the order the answers give them.
    pub(crate) unknown: Vec<&'a str>,
    pub(crate) parent: Option<&'p Frame<'a, 'p>>,
}

impl<'a> Frame<'a, '_> {
    /// The frame's memory, for the next frame to use.
    pub(crate) fn into_slots(self) -> Vec<Slot> {
        self.slots
    }

    /// The answer in slot `slot`, if there is one.
    #[inline]
    pub(crate) fn value(&self, slot: usize) -> Option<Answer<'a>> {
        self.slots.get(slot).and_then(|slot| self.answer(slot))
    }

    /// The answer `slot` (one of this frame's) holds, if any.
    #[inline]
    pub(crate) fn answer(&self, slot: &Slot) -> Option<Answer<'a>> {
        self.answers.at(slot.at)
    }
}

/// The frame of the answers' top level, around `frame`.
#[inline]
fn root<'f, 'a, 'p>(frame: &'f Frame<'a, 'p>) -> &'f Frame<'a, 'p> {
    let mut root = frame;
    while let Some(parent) = root.parent {
        root = parent;
    }
    root
}

/// Evaluation of one submission: the validator and the date.
#[derive(Debug)]
pub(crate) struct Eval<'v> {
    pub(crate) v: &'v Validator,
    pub(crate) today: Date,
    /// Where the root frame's memos of the sections' visibility start, after its answers.
    sections_at: usize,
}

impl<'v> Eval<'v> {
    pub(crate) fn new(v: &'v Validator, today: Date) -> Eval<'v> {
        Eval {
            v,
            today,
            sections_at: v.levels.first().map_or(0, |root| root.slots),
        }
    }

    /// The frame of `object`, the answers of `level`.
    pub(crate) fn frame<'a, 'p>(
        &self,
        level: usize,
        object: Answer<'a>,
        parent: Option<&'p Frame<'a, 'p>>,
    ) -> Frame<'a, 'p> {
        self.frame_in(Vec::new(), level, object, parent)
    }

    /// How many slots of a frame of `level` follow its answers' to remember other things: the
    /// root's frame holds the memo of each section's visibility.
    fn memos(&self, level: usize) -> usize {
        if level == 0 { self.v.sections.len() } else { 0 }
    }

    /// [`Eval::frame`], in the memory of `slots` (of an earlier frame, so as not to allocate
    /// for every entry of a block; [`Frame::into_slots`] gives it back).
    pub(crate) fn frame_in<'a, 'p>(
        &self,
        mut slots: Vec<Slot>,
        level: usize,
        object: Answer<'a>,
        parent: Option<&'p Frame<'a, 'p>>,
    ) -> Frame<'a, 'p> {
        let layout = &self.v.levels[level];
        slots.clear();
        slots.resize(layout.slots + self.memos(level), Slot::empty());
        let mut unknown = Vec::new();
        if let Some(mut members) = object.members() {
            // The slot of the key expected next, in the form's order.
            let mut next = 0;
            while let Some((key, position, blank)) = members.next_raw() {
                let found = layout.slot_of(key, next);
                match found.and_then(|slot| Some((slot, slots.get_mut(slot)?))) {
                    Some((at, slot)) => {
                        slot.at = position;
                        slot.blank = blank;
                        next = at + 1;
                    }
                    None => unknown.push(std::str::from_utf8(key).unwrap_or_default()),
                }
            }
        }
        Frame {
            level,
            depth: layout.depth,
            answers: object.answers(),
            slots,
            unknown,
            parent,
        }
    }

    /// The frame that holds `node`'s answer, seen from `frame`: the frame itself or one around
    /// it. None when the node is not in scope (inside another block).
    fn frame_of<'f, 'a, 'p>(
        &self,
        frame: &'f Frame<'a, 'p>,
        node: usize,
    ) -> Option<&'f Frame<'a, 'p>> {
        let node = &self.v.nodes[node];
        let mut current = frame;
        while current.depth > node.depth {
            current = current.parent?;
        }
        (current.level == node.level).then_some(current)
    }

    /// Whether section `index` is shown.
    #[inline]
    pub(crate) fn section_visible(&self, root: &Frame<'_, '_>, index: usize) -> bool {
        let Some(memo) = root
            .slots
            .get(self.sections_at + index)
            .map(|slot| &slot.vis)
        else {
            return false;
        };
        match memo.get() {
            Vis::Shown => return true,
            Vis::Hidden | Vis::Computing => return false,
            Vis::NotYet => {}
        }
        memo.set(Vis::Computing);
        let shown = match &self.v.sections[index].visible {
            None => true,
            Some(rule) => self.tri(root, rule) == Tri::True,
        };
        memo.set(if shown { Vis::Shown } else { Vis::Hidden });
        shown
    }

    /// Whether `node`, an element of `frame`'s level, is shown: its section or block is shown
    /// and its own rule holds.
    pub(crate) fn visible(&self, frame: &Frame<'_, '_>, node: usize) -> bool {
        let data = &self.v.nodes[node];
        let container = match (data.block, frame.parent) {
            (Some(block), Some(parent)) => self.visible(parent, block),
            (Some(_), None) => false,
            (None, _) => self.section_visible(root(frame), data.section),
        };
        // Most questions have no rule of their own: shown with their section or block.
        container && (data.visible.is_none() || self.rule_holds(frame, node))
    }

    /// Whether `node`'s own rule holds (true for a node without one), its section or block
    /// being shown: worked out once per frame, and remembered for the rules that read it.
    pub(crate) fn rule_holds(&self, frame: &Frame<'_, '_>, node: usize) -> bool {
        let data = &self.v.nodes[node];
        let memo = data
            .slot
            .and_then(|slot| frame.slots.get(slot))
            .map(|slot| &slot.vis);
        if let Some(memo) = memo {
            match memo.get() {
                Vis::Shown => return true,
                Vis::Hidden | Vis::Computing => return false,
                Vis::NotYet => {}
            }
            memo.set(Vis::Computing);
        }
        let holds = match &data.visible {
            None => true,
            Some(rule) => self.tri(frame, rule) == Tri::True,
        };
        if let Some(memo) = memo {
            memo.set(if holds { Vis::Shown } else { Vis::Hidden });
        }
        holds
    }

    /// Whether `node`, hidden in `frame`, is hidden only for want of a correct answer: a rule
    /// that hides it (its section's, its block's or its own) reads an answer that has an error
    /// of its own (a code outside its list, text where a number belongs), or reads a part that
    /// is itself undecided. Until that answer is corrected nobody can tell whether `node`
    /// applies, so its answer is neither an error nor dropped: the part counts as shown and not
    /// required. Worked out only for hidden parts with an answer, which are rare.
    pub(crate) fn undecided(&self, frame: &Frame<'_, '_>, node: usize) -> bool {
        self.undecided_within(frame, node, &Cell::new(UNDECIDED_STEPS))
    }

    /// [`Eval::undecided`] for section `index`, hidden.
    pub(crate) fn section_undecided(&self, root: &Frame<'_, '_>, index: usize) -> bool {
        self.section_undecided_within(root, index, &Cell::new(UNDECIDED_STEPS))
    }

    fn section_undecided_within(&self, root: &Frame<'_, '_>, index: usize, steps: &Steps) -> bool {
        self.v.sections[index]
            .visible
            .as_ref()
            .is_some_and(|rule| self.reads_undecided(root, rule, steps))
    }

    fn undecided_within(&self, frame: &Frame<'_, '_>, node: usize, steps: &Steps) -> bool {
        // A form whose rules meet again and again (or, in a hand-written `form.json`, in a
        // loop) runs out of steps: its hidden parts then stay hidden.
        if steps.get() == 0 {
            return false;
        }
        steps.set(steps.get() - 1);
        let data = &self.v.nodes[node];
        match (data.block, frame.parent) {
            (Some(block), Some(parent)) => {
                if !self.visible(parent, block) {
                    return self.undecided_within(parent, block, steps);
                }
            }
            (Some(_), None) => return false,
            (None, _) => {
                let root = root(frame);
                if !self.section_visible(root, data.section) {
                    return self.section_undecided_within(root, data.section, steps);
                }
            }
        }
        data.visible
            .as_ref()
            .is_some_and(|rule| self.reads_undecided(frame, rule, steps))
    }

    /// Whether `expr` reads an answer with an error of its own, or an undecided part.
    fn reads_undecided(&self, frame: &Frame<'_, '_>, expr: &CExpr, steps: &Steps) -> bool {
        let reads = |expr: &CExpr| self.reads_undecided(frame, expr, steps);
        match expr {
            CExpr::Bool(_)
            | CExpr::Num(_)
            | CExpr::Str(_)
            | CExpr::Date(_)
            | CExpr::Today
            | CExpr::Duration(..) => false,
            CExpr::Answer(node) | CExpr::Answered(node) | CExpr::Simple(node, _) => {
                self.doubtful(frame, *node, steps)
            }
            CExpr::Not(operand) | CExpr::Neg(operand) => reads(operand),
            CExpr::And(operands) | CExpr::Or(operands) => operands.iter().any(reads),
            CExpr::Compare(_, left, right, _)
            | CExpr::Includes(left, right, _)
            | CExpr::Arith(_, left, right) => reads(left) || reads(right),
            CExpr::In(value, list, _) => reads(value) || list.iter().any(reads),
            CExpr::Age(birth, on) => reads(birth) || on.as_deref().is_some_and(reads),
            CExpr::Count(block, inner) => {
                self.doubtful(frame, *block, steps)
                    || inner.as_deref().is_some_and(|inner| {
                        self.entry_reads_undecided(frame, *block, inner, steps)
                    })
            }
            CExpr::Any(block, inner) | CExpr::All(block, inner) => {
                self.doubtful(frame, *block, steps)
                    || self.entry_reads_undecided(frame, *block, inner, steps)
            }
        }
    }

    /// Whether `inner`, read in an entry of `block`, reads an answer with an error of its own.
    fn entry_reads_undecided(
        &self,
        frame: &Frame<'_, '_>,
        block: usize,
        inner: &CExpr,
        steps: &Steps,
    ) -> bool {
        let mut found = false;
        self.entries(frame, block, &mut |entry| {
            found = self.reads_undecided(entry, inner, steps);
            !found
        });
        found
    }

    /// Whether the answer to `node`, as a rule in `frame` reads it, is in doubt: shown with an
    /// error of its own, or hidden and undecided.
    fn doubtful(&self, frame: &Frame<'_, '_>, node: usize, steps: &Steps) -> bool {
        let Some(holder) = self.frame_of(frame, node) else {
            return false;
        };
        let Some(slot) = self.v.nodes[node]
            .slot
            .and_then(|slot| holder.slots.get(slot))
        else {
            return false;
        };
        let Some(value) = holder.answer(slot) else {
            return false;
        };
        if slot.blank {
            return false;
        }
        if self.visible(holder, node) {
            crate::validate::has_errors_of_its_own(self, holder, node, value)
        } else {
            self.undecided_within(holder, node, steps)
        }
    }

    /// The effective answer to `node` seen from `frame`: present, shown and not empty.
    #[inline]
    fn effective<'a>(&self, frame: &Frame<'a, '_>, node: usize) -> Option<Answer<'a>> {
        let holder = self.frame_of(frame, node)?;
        let slot = holder.slots.get(self.v.nodes[node].slot?)?;
        let value = holder.answer(slot)?;
        if slot.blank || !self.visible(holder, node) {
            return None;
        }
        Some(value)
    }

    /// Whether `node` has an effective answer (a ticked declaration, a block with an entry).
    pub(crate) fn answered(&self, frame: &Frame<'_, '_>, node: usize) -> bool {
        match self.effective(frame, node) {
            None => false,
            Some(value) => {
                value.kind() != Kind::False
                    || self.v.nodes[node].answer_kind != AnswerKind::Declaration
            }
        }
    }

    /// Whether `node` is in scope from `frame` (not inside another block).
    pub(crate) fn in_scope(&self, frame: &Frame<'_, '_>, node: usize) -> bool {
        self.frame_of(frame, node).is_some()
    }

    /// Evaluates a rule to true, false or unknown.
    #[inline]
    pub(crate) fn tri(&self, frame: &Frame<'_, '_>, expr: &CExpr) -> Tri {
        match expr {
            CExpr::Simple(node, test) => self.simple(frame, *node, test),
            _ => self.eval(frame, expr).tri(),
        }
    }

    /// A [`CExpr::Simple`] rule: the answer to `node` tested, in line.
    #[inline(always)]
    fn simple(&self, frame: &Frame<'_, '_>, node: usize, test: &Simple) -> Tri {
        let Some(answer) = self.effective(frame, node) else {
            return Tri::Unknown;
        };
        let holds = match test {
            Simple::CodeIs(code, equal) => answer
                .text_bytes()
                .map(|answer| table::same_bytes(answer, code.as_bytes()) == *equal),
            Simple::Includes(code, negated) => answer
                .items()
                .map(|items| holds_code(items, code.as_bytes()) != *negated),
            Simple::Number(cmp, number) => answer
                .as_f64()
                .and_then(|answer| answer.partial_cmp(number))
                .map(|ordering| cmp.holds(ordering)),
        };
        holds.map_or(Tri::Unknown, Tri::from_bool)
    }

    /// Evaluates a date expression; None when it has no value.
    pub(crate) fn date(&self, frame: &Frame<'_, '_>, expr: &CExpr) -> Option<Date> {
        // Most bounds are a date or today: no need to evaluate them as expressions.
        match expr {
            CExpr::Date(date) => Some(*date),
            CExpr::Today => Some(self.today),
            _ => match self.eval(frame, expr) {
                Val::Date(date) => Some(date),
                _ => None,
            },
        }
    }

    fn eval<'a>(&self, frame: &Frame<'a, '_>, expr: &'a CExpr) -> Val<'a>
    where
        'v: 'a,
    {
        match expr {
            CExpr::Bool(value) => Val::Bool(*value),
            CExpr::Num(value) => Val::Num(*value),
            CExpr::Str(value) => Val::Str(value),
            CExpr::Date(date) => Val::Date(*date),
            CExpr::Today => Val::Date(self.today),
            CExpr::Duration(amount, unit) => Val::Duration(*amount, *unit),
            CExpr::Answer(node) => self.answer(frame, *node),
            CExpr::Answered(node) => Val::Bool(self.answered(frame, *node)),
            CExpr::Not(operand) => tri_val(self.tri(frame, operand).not()),
            CExpr::And(operands) => {
                let mut result = Tri::True;
                for operand in operands {
                    match self.tri(frame, operand) {
                        Tri::False => return Val::Bool(false),
                        Tri::Unknown => result = Tri::Unknown,
                        Tri::True => {}
                    }
                }
                tri_val(result)
            }
            CExpr::Or(operands) => {
                let mut result = Tri::False;
                for operand in operands {
                    match self.tri(frame, operand) {
                        Tri::True => return Val::Bool(true),
                        Tri::Unknown => result = Tri::Unknown,
                        Tri::False => {}
                    }
                }
                tri_val(result)
            }
            CExpr::Simple(node, test) => tri_val(self.simple(frame, *node, test)),
            CExpr::Compare(cmp, left, right, order) => {
                let left = self.eval(frame, left);
                let right = self.eval(frame, right);
                self.compare(*cmp, left, right, *order)
            }
            CExpr::In(value, list, negated) => {
                let value = self.eval(frame, value);
                if matches!(value, Val::Unknown) {
                    return Val::Unknown;
                }
                let mut result = Tri::False;
                for item in list {
                    match self.compare(Comparison::Eq, value, self.eval(frame, item), None) {
                        Val::Bool(true) => {
                            result = Tri::True;
                            break;
                        }
                        Val::Bool(false) => {}
                        _ => result = Tri::Unknown,
                    }
                }
                tri_val(if *negated { result.not() } else { result })
            }
            CExpr::Includes(choices, code, negated) => {
                match (self.eval(frame, choices), self.eval(frame, code)) {
                    (Val::Codes(codes), Val::Str(code)) => Val::Bool(
                        holds_code(codes.items().into_iter().flatten(), code.as_bytes())
                            != *negated,
                    ),
                    _ => Val::Unknown,
                }
            }
            CExpr::Arith(operator, left, right) => {
                arithmetic(*operator, self.eval(frame, left), self.eval(frame, right))
            }
            CExpr::Neg(operand) => match self.eval(frame, operand) {
                Val::Num(value) => Val::Num(-value),
                _ => Val::Unknown,
            },
            CExpr::Count(block, filter) => {
                let mut count = 0u32;
                let complete = self.entries(frame, *block, &mut |entry| {
                    let counted = match filter {
                        None => Tri::True,
                        Some(filter) => self.eval(entry, filter).tri(),
                    };
                    if counted == Tri::True {
                        count += 1;
                    }
                    true
                });
                if complete {
                    Val::Num(f64::from(count))
                } else {
                    Val::Unknown
                }
            }
            CExpr::Any(block, condition) => {
                let mut result = Tri::False;
                let complete = self.entries(frame, *block, &mut |entry| {
                    match self.eval(entry, condition).tri() {
                        Tri::True => {
                            result = Tri::True;
                            return false;
                        }
                        Tri::Unknown => result = Tri::Unknown,
                        Tri::False => {}
                    }
                    true
                });
                if complete || result == Tri::True {
                    tri_val(result)
                } else {
                    Val::Unknown
                }
            }
            CExpr::All(block, condition) => {
                let mut result = Tri::True;
                let complete = self.entries(frame, *block, &mut |entry| {
                    match self.eval(entry, condition).tri() {
                        Tri::False => {
                            result = Tri::False;
                            return false;
                        }
                        Tri::Unknown => result = Tri::Unknown,
                        Tri::True => {}
                    }
                    true
                });
                if complete || result == Tri::False {
                    tri_val(result)
                } else {
                    Val::Unknown
                }
            }
            CExpr::Age(birth, on) => {
                let on = match on {
                    Some(on) => self.eval(frame, on),
                    None => Val::Date(self.today),
                };
                match (self.eval(frame, birth), on) {
                    (Val::Date(birth), Val::Date(on)) => Val::Num(f64::from(age(birth, on))),
                    _ => Val::Unknown,
                }
            }
        }
    }

    /// Calls `visit` with a frame for each entry of `block` (none when the block is hidden or
    /// unanswered); `visit` returns false to stop. Returns false when an entry is not an object
    /// (the answers are malformed, so a count over them is unknown) or the block is out of
    /// scope.
    fn entries<'a>(
        &self,
        frame: &Frame<'a, '_>,
        block: usize,
        visit: &mut dyn FnMut(&Frame<'a, '_>) -> bool,
    ) -> bool {
        let Some(holder) = self.frame_of(frame, block) else {
            return false;
        };
        let NodeKind::Repeat { level, .. } = self.v.nodes[block].kind else {
            return false;
        };
        let entries = match self.effective(frame, block) {
            None => return true,
            Some(value) => match value.items() {
                Some(entries) => entries,
                None => return false,
            },
        };
        for entry in entries {
            if entry.kind() != Kind::Object {
                return false;
            }
            let entry = self.frame(level, entry, Some(holder));
            if !visit(&entry) {
                break;
            }
        }
        true
    }

    #[inline]
    fn answer<'a>(&self, frame: &Frame<'a, '_>, node: usize) -> Val<'a> {
        let Some(value) = self.effective(frame, node) else {
            return Val::Unknown;
        };
        match (self.v.nodes[node].answer_kind, value.kind()) {
            (AnswerKind::Bool | AnswerKind::Declaration, Kind::True) => Val::Bool(true),
            (AnswerKind::Bool | AnswerKind::Declaration, Kind::False) => Val::Bool(false),
            (AnswerKind::Number, _) => value.as_f64().map_or(Val::Unknown, Val::Num),
            (AnswerKind::Code, _) => value.as_str().map_or(Val::Unknown, Val::Str),
            (AnswerKind::Text, _) => value
                .as_str()
                .map_or(Val::Unknown, |text| Val::Str(trim(text))),
            (AnswerKind::Date, _) => value
                .as_str()
                .and_then(parse_date)
                .map_or(Val::Unknown, Val::Date),
            (AnswerKind::Codes, Kind::List) => Val::Codes(value),
            _ => Val::Unknown,
        }
    }

    fn compare(
        &self,
        cmp: Comparison,
        left: Val<'_>,
        right: Val<'_>,
        order: Option<usize>,
    ) -> Val<'static> {
        use std::cmp::Ordering;
        // Most rules ask whether a choice is a given code: equality needs no order.
        if let (Val::Str(a), Val::Str(b), None, Comparison::Eq | Comparison::Ne) =
            (left, right, order, cmp)
        {
            return Val::Bool(table::same(a, b) == (cmp == Comparison::Eq));
        }
        let ordering: Option<Ordering> = match (left, right) {
            (Val::Num(a), Val::Num(b)) => a.partial_cmp(&b),
            (Val::Date(a), Val::Date(b)) => Some(a.cmp(&b)),
            (Val::Bool(a), Val::Bool(b)) => Some(a.cmp(&b)),
            (Val::Str(a), Val::Str(b)) => match order.and_then(|order| self.v.orders.get(order)) {
                Some(positions) => match (positions.get(a), positions.get(b)) {
                    (Some(a), Some(b)) => Some(a.cmp(b)),
                    _ => None,
                },
                None => Some(a.cmp(b)),
            },
            _ => None,
        };
        match ordering {
            Some(ordering) => Val::Bool(cmp.holds(ordering)),
            None => Val::Unknown,
        }
    }
}

fn tri_val(tri: Tri) -> Val<'static> {
    match tri {
        Tri::True => Val::Bool(true),
        Tri::False => Val::Bool(false),
        Tri::Unknown => Val::Unknown,
    }
}

fn arithmetic<'a>(operator: Arithmetic, left: Val<'a>, right: Val<'a>) -> Val<'a> {
    match (left, operator, right) {
        (Val::Num(a), Arithmetic::Add, Val::Num(b)) => Val::Num(a + b),
        (Val::Num(a), Arithmetic::Sub, Val::Num(b)) => Val::Num(a - b),
        (Val::Num(a), Arithmetic::Mul, Val::Num(b)) => Val::Num(a * b),
        (Val::Num(a), Arithmetic::Div, Val::Num(b)) if b != 0.0 => Val::Num(a / b),
        (Val::Date(date), Arithmetic::Add, Val::Duration(amount, unit))
        | (Val::Duration(amount, unit), Arithmetic::Add, Val::Date(date)) => {
            shift(date, amount, unit).map_or(Val::Unknown, Val::Date)
        }
        (Val::Date(date), Arithmetic::Sub, Val::Duration(amount, unit)) => amount
            .checked_neg()
            .and_then(|amount| shift(date, amount, unit))
            .map_or(Val::Unknown, Val::Date),
        _ => Val::Unknown,
    }
}

/// `date` moved by a length of time; months and years keep the day, clamped to the month's
/// length (31 March + 1 month = 30 April). None outside the calendar's range.
pub(crate) fn shift(date: Date, amount: i64, unit: DurationUnit) -> Option<Date> {
    let span = match unit {
        DurationUnit::Days => jiff::Span::new().try_days(amount),
        DurationUnit::Weeks => jiff::Span::new().try_weeks(amount),
        DurationUnit::Months => jiff::Span::new().try_months(amount),
        DurationUnit::Years => jiff::Span::new().try_years(amount),
    }
    .ok()?;
    date.checked_add(span).ok()
}

/// Age in whole years on `on` of someone born on `birth` (negative before birth).
pub(crate) fn age(birth: Date, on: Date) -> i32 {
    let mut years = i32::from(on.year()) - i32::from(birth.year());
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years
}

/// A date answer: exactly `YYYY-MM-DD`, a real date.
pub fn parse_date(text: &str) -> Option<Date> {
    let bytes: &[u8; 10] = text.as_bytes().try_into().ok()?;
    let digit = |at: usize| {
        let digit = bytes[at].wrapping_sub(b'0');
        (digit < 10).then_some(i16::from(digit))
    };
    if bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let year = ((digit(0)? * 10 + digit(1)?) * 10 + digit(2)?) * 10 + digit(3)?;
    let month = digit(5)? * 10 + digit(6)?;
    let day = digit(8)? * 10 + digit(9)?;
    // jiff checks the month and the day against the month's length; its years start at -9999.
    Date::new(year, i8::try_from(month).ok()?, i8::try_from(day).ok()?).ok()
}

/// Text without the white space around it; most answers have none, so they are not scanned.
fn trim(text: &str) -> &str {
    let bytes = text.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(first), Some(last)) if first.is_ascii_graphic() && last.is_ascii_graphic() => text,
        _ => text.trim(),
    }
}

/// Whether a list of answers holds `code` as one of its items.
pub(crate) fn holds_code<'a>(mut items: impl Iterator<Item = Answer<'a>>, code: &[u8]) -> bool {
    items.any(|item| {
        item.text_bytes()
            .is_some_and(|item| table::same_bytes(item, code))
    })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::parse_date;

    proptest! {
        /// Dates are read as jiff reads `YYYY-MM-DD`, and nothing else is a date.
        #[test]
        fn dates_are_read_as_jiff_reads_them(
            text in "[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9-]{8,11}|[0-9]{4}-[0-9]-[0-9]{2}x?|.{0,10}",
        ) {
            let jiff = (text.len() == 10)
                .then(|| text.parse::<jiff::civil::Date>().ok())
                .flatten()
                .filter(|_| text.bytes().enumerate().all(|(at, byte)| {
                    if at == 4 || at == 7 { byte == b'-' } else { byte.is_ascii_digit() }
                }));
            prop_assert_eq!(parse_date(&text), jiff, "{:?}", text);
        }
    }

    #[test]
    fn real_dates_only() {
        for (text, ok) in [
            ("2024-02-29", true),
            ("2023-02-29", false),
            ("2024-04-31", false),
            ("0000-01-01", true),
            ("9999-12-31", true),
            ("2024-1-01", false),
            ("2024/01/01", false),
            ("２０２４-01-01", false),
        ] {
            assert_eq!(parse_date(text).is_some(), ok, "{text}");
        }
    }
}
