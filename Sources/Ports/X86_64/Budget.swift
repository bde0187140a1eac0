import KilnCore
import KilnIR

/// The instruction budget (`BudgetLayout`) in a region: one check at the
/// entry of the blocks that `BudgetPlan` says check (the region's entry:
/// its loop head, and where chained jumps arrive), covering the longest
/// path to the next check; the paths shorter than that give the difference
/// back on their way (`refundBudget`), so the count is exact wherever the
/// code leaves. The budget left stays in its state word
/// (`X86ABI.budgetCounter`, `[r15 + BudgetLayout.remaining]`), counted
/// down in place, so the longest path (a loop's usual body) pays two
/// instructions per check (`sub qword [r15 + remaining], n; jb`), the
/// others one `add qword [r15 + remaining], k` more per edge off it, and
/// every guest register keeps its host register. Small loops are laid out
/// several times with one check (`BudgetPlan.copies`), so the chain of
/// read-modify-writes from one check to the next is a fraction of a pass.
/// An interruptible VM (`BudgetLayout.polls`) also reads the limit word,
/// which only another thread writes (`cmp; je`), so its request cannot be
/// lost.
extension BlockLowering {
  /// The check, before anything of the block runs; leaving here writes
  /// back the cache registers the region may have written so far
  /// (`dirty`), so the guest state is as the block found it. `limit` is
  /// only read (another thread lowers it to interrupt), `remaining` only
  /// written by this thread, so the interrupt cannot be lost:
  ///
  ///     cmp qword [r15 + limit], 0          ; only if BudgetLayout.polls
  ///     je  budgetExit(0)                   ; cold: exitPC = start, exit(.budget)
  ///     sub qword [r15 + remaining], covered  ; BudgetPlan.covered
  ///     jb  budgetExit(covered)             ; cold: remaining += covered, then as above
  mutating func emitBudgetCheck(_ block: Block, _ budget: BudgetLayout) {
    guard let plan = budgetPlan, plan.checks[current], copy == 0,
      let counter = abi.budgetCounter
    else { return }
    // The entry of an unrolled loop charges all its copies' passes.
    let covered = plan.covered[current] * (current == 0 ? copies : 1)
    if budget.polls {
      let interrupted = a.newLabel()
      a.alu(.cmp, .qword, abi.field(budget.limit), imm: 0)
      a.jcc(.e, interrupted)
      cold.append(
        .budgetExit(label: interrupted, pc: block.startPC, covered: 0, writeBack: dirty))
    }
    let exit = a.newLabel()
    a.alu(.sub, .qword, counter, imm: Int32(clamping: covered))
    a.jcc(.b, exit)
    cold.append(
      .budgetExit(label: exit, pc: block.startPC, covered: covered, writeBack: dirty))
  }

  /// The cold side of `emitBudgetCheck`: give the charge back and leave
  /// with `ExitReason.budget`.
  mutating func emitBudgetExit(
    _ label: Label, pc: UInt32, covered: Int, writeBack: [GuestRegister]
  ) throws(CodeGenError) {
    try a.bind(label)
    if let counter = abi.budgetCounter, covered > 0 {
      a.alu(.add, .qword, counter, imm: Int32(clamping: covered))
    }
    for g in writeBack { self.writeBack(g) }
    a.mov(.dword, abi.field(abi.layout.exitPC), imm32: Int32(bitPattern: pc))
    try exit(.budget)
  }

  /// What the current block gives back on its way to `target` (an
  /// internal block, or out of the region), 0 without a budget.
  func budgetRefund(toward target: Target?) -> Int {
    guard let plan = budgetPlan else { return 0 }
    let to = target.flatMap(internalBlock)
    return plan.refund(from: current, to: to)
      + plan.ahead(from: current, to: to, copy: copy, of: copies)
  }

  /// Gives back what the current block's path did not run, on the way to
  /// `target` (nil: a terminator that leaves the region), where flags are
  /// dead: `add qword [r15 + remaining], refund` (nothing when it is 0);
  /// or, on an edge from
  /// the loop to the code after it that gives back less than that code is
  /// charged (`BudgetPlan.refund` < 0), checks the difference
  /// (`emitEdgeCheck`).
  mutating func refundBudget(toward target: Target?) {
    let amount = budgetRefund(toward: target)
    if amount < 0, let target, let index = internalBlock(target), let counter = abi.budgetCounter {
      let exit = a.newLabel()
      a.alu(.sub, .qword, counter, imm: Int32(clamping: -amount))
      a.jcc(.b, exit)
      cold.append(
        .budgetExit(
          label: exit, pc: region.blocks[index].startPC, covered: budgetCharged(at: index),
          writeBack: dirty))
      return
    }
    emitRefund(amount)
  }

  /// What the check an edge into block `index` reaches charged for the
  /// code from its start on (`BudgetPlan.covered - depth`): what a failed
  /// check on an edge into the code after the loop gives back to leave
  /// there with the count exact.
  func budgetCharged(at index: Int) -> Int {
    guard let plan = budgetPlan else { return 0 }
    return plan.covered[index] - plan.depth[index]
  }

  mutating func emitRefund(_ amount: Int) {
    guard amount > 0, let counter = abi.budgetCounter else { return }
    a.alu(.add, .qword, counter, imm: Int32(clamping: amount))
  }

  /// A conditional edge that gives budget back: `jcc` to a cold stub that
  /// gives it back, then goes on to `target` (writing back `writeBack`
  /// first when the target is out of the region). A negative amount (an
  /// edge into the code after the loop that charges it) is a check there.
  mutating func leaveRefunding(if cc: ConditionCode, to target: Target, amount: Int) {
    let stub = a.newLabel()
    a.jcc(cc, stub)
    let writeBack = internalBlock(target) == nil || amount < 0 ? dirty : []
    cold.append(.refundEdge(label: stub, amount: amount, writeBack: writeBack, target: target))
  }

  /// The cold side of `leaveRefunding`; for a negative amount, with
  /// `writeBack` the registers to write back if the check fails:
  ///
  ///     sub qword [r15 + remaining], -amount ; jae target   ; charged: on to the block
  ///     add qword [r15 + remaining], charged at target      ; not covered: leave at its start
  mutating func emitRefundEdge(
    _ label: Label, amount: Int, writeBack: [GuestRegister], target: Target
  ) throws(CodeGenError) {
    try a.bind(label)
    if amount < 0, let index = internalBlock(target), let counter = abi.budgetCounter {
      a.alu(.sub, .qword, counter, imm: Int32(clamping: -amount))
      a.jcc(.ae, localLabel(index))
      let exit = a.newLabel()
      try emitBudgetExit(
        exit, pc: region.blocks[index].startPC, covered: budgetCharged(at: index),
        writeBack: writeBack)
      return
    }
    emitRefund(amount)
    if let index = internalBlock(target) {
      a.jmp(localLabel(index))
      return
    }
    for g in writeBack { self.writeBack(g) }
    try jump(to: target)
  }
}

extension BlockLowering {
  /// A store rewrote compiled code and the current block ends before
  /// `next` (its cold path, `exitOnStatus`): gives back what the check
  /// charged for the instructions from `next` on, so the count stays exact.
  mutating func refundBudget(resumingAt next: UInt32) {
    guard let plan = budgetPlan else { return }
    let ran = Int((next &- region.blocks[current].startPC) / 4)
    let ahead = plan.ahead(from: current, to: nil, copy: copy, of: copies)
    emitRefund(plan.covered[current] - plan.depth[current] - ran + ahead)
  }
}

extension BlockLowering {
  /// The guest instructions that the move's block `move` of a select
  /// (`lowerSelect`) runs and its `join` does not: the block's, or one
  /// (the move) when the block is the move and a copy of the join. Nil
  /// without a budget, or where the region's entry check does not cover
  /// both blocks (one checks its own cost), or on an edge from the loop
  /// into the code after it (which charges that code), so no select there.
  func budgetSelectCharge(move: Int, join: Int) -> Int? {
    guard let plan = budgetPlan, !plan.checks[move], !plan.checks[join],
      plan.inLoop[current] == plan.inLoop[join]
    else { return nil }
    let m = region.blocks[move]
    let j = region.blocks[join]
    return m.endPC == j.endPC ? plan.cost[move] - plan.cost[join] : plan.cost[move]
  }

  /// After a select's `cmov` (flags still those of its compare): charges
  /// `charge` when the move ran, then gives back what the edge to `join`
  /// gives back. The check covered the longer way, through the move's
  /// block, so the count stays exact at every exit (it may dip below what
  /// is left in between, where nothing reads it). `mov` leaves the flags:
  ///
  ///     mov   eax, 0
  ///     setcc al
  ///     imul  eax, eax, charge          ; only if charge > 1
  ///     sub   qword [r15 + remaining], rax
  ///     add   qword [r15 + remaining], refund   ; BudgetPlan.refund(current → join)
  mutating func emitSelectCharge(_ charge: Int, if cc: ConditionCode, join: Int) {
    guard let plan = budgetPlan, let counter = abi.budgetCounter else { return }
    a.mov(.rax, imm32: 0)
    a.setcc(cc, .rax)
    if charge > 1 { a.imul(.dword, .rax, .rax, imm: Int32(clamping: charge)) }
    a.alu(.sub, .qword, counter, .rax)
    emitRefund(plan.refund(from: current, to: join))
  }
}

/// A region whose entry block is a counted loop (`CountedLoop`): the
/// region's start charges all its passes at once and runs a copy of the
/// block without a check (`lowerCountedCopy`), emitted after the region's
/// blocks; when the passes are not known or not covered, the loop runs as
/// before, checking every pass. Only without interrupts (`polls`): a
/// counted loop would not look at the limit word for all its passes.
extension BlockLowering {
  /// The region's counted loop, if the budget is set, not polled, and the
  /// region's entry is one (and its check covers that block only).
  func countedLoop() -> CountedLoop? {
    guard let budget = abi.layout.budget, !budget.polls, let plan = budgetPlan,
      let loop = CountedLoop(region), plan.checks[0], plan.covered[0] == loop.cost
    else { return nil }
    return loop
  }

  /// At the region's start, before the loop's checked block (`blockLabels[0]`),
  /// which follows; scratch registers are free there:
  ///
  ///     mov  eax, bound ; sub eax, i     ; d (i - bound when descending)
  ///     test eax, |step| - 1 ; jne perPass   (if |step| > 1)
  ///     shr  eax, shift                  ; passes (test eax, eax if 0)
  ///     je   perPass                     ; d = 0: 2^32 / |step| passes
  ///     imul rax, rax, cost              ; passes × cost
  ///     sub  qword [r15 + remaining], rax ; jae counted   ; charged: the copy, no checks
  ///     add  qword [r15 + remaining], rax                 ; not covered: give it back
  ///   perPass:                           ; the block, checking every pass
  mutating func emitCountedCharge(_ loop: CountedLoop, counted: Label) {
    guard let counter = abi.budgetCounter else { return }
    let induction = Value.register(loop.induction)
    let (from, minus) = loop.descending ? (induction, loop.bound) : (loop.bound, induction)
    load(.rax, from)
    switch location(minus) {
    case .register(let r): a.alu(.sub, .dword, .rax, r)
    case .memory(let m): a.alu(.sub, .dword, .rax, m)
    case .immediate(let i): a.alu(.sub, .dword, .rax, imm: Int32(bitPattern: i))
    }
    let perPass = blockLabels[0]
    if loop.shift > 0 {
      a.test(.dword, .rax, imm: (UInt32(1) << UInt32(loop.shift)) &- 1)
      a.jcc(.ne, perPass)
      a.shift(.shr, .dword, .rax, imm: UInt8(loop.shift))
    } else {
      a.test(.dword, .rax, .rax)
    }
    a.jcc(.e, perPass)
    a.imul(.qword, .rax, .rax, imm: Int32(clamping: loop.cost))
    a.alu(.sub, .qword, counter, .rax)
    a.jcc(.ae, counted)
    a.alu(.add, .qword, counter, .rax)
  }

  /// The loop's block again, at `label`, without the check: its back edge
  /// goes to `label`, its exit as the checked block's does (the count is
  /// exact there: every charged pass has run).
  mutating func lowerCountedCopy(at label: Label, analysis: RegionAnalysis) throws(CodeGenError) {
    let block = region.blocks[0]
    try emitBlockEntry(0, analysis: analysis, at: label)
    countedCopy = label
    try lowerOperations(block.operations)
    try lower(block.terminator)
    countedCopy = nil
  }

  /// Whether a local jump to block `index` goes to the block emitted right
  /// after the current one (never in the counted copy, emitted last).
  func isNext(_ index: Int) -> Bool { countedCopy == nil && localLabel(index) == nextLabel }

  /// Where a local jump to block `index` goes: in the counted copy, its
  /// own start for the loop's block; in copy `c` of an unrolled loop, the
  /// block of the same copy, or copy `c + 1`'s entry for the back edge
  /// (the checked entry from the last copy); blocks after the loop have
  /// one copy.
  func localLabel(_ index: Int) -> Label {
    if index == 0, let countedCopy { return countedCopy }
    guard copies > 1, let plan = budgetPlan, plan.inLoop[index] else { return blockLabels[index] }
    return copyLabel(index == 0 ? ((copy + 1) % copies, 0) : (copy, index))
  }

  /// The start of block `index` in copy `copy` of the loop.
  func copyLabel(_ at: (copy: Int, index: Int)) -> Label {
    at.copy == 0 ? blockLabels[at.index] : copyLabels[at.copy - 1][at.index]
  }
}

/// A region whose loop through its entry is small (`BudgetPlan.copies`):
/// the loop's blocks are laid out `copies` times, one check at the first
/// copy's entry charging all of them, so that the check costs a fraction
/// of a pass's code; edges that leave the loop give back the passes
/// charged ahead (`BudgetPlan.ahead`). The copies after the first follow
/// the region's blocks: copy 0 (the region, checked), copy 1, …; each
/// copy's back edge goes to the next one's entry, the last one's to the
/// checked entry. With an interrupt, the check still comes every
/// `copies` passes.
extension BlockLowering {
  /// The order in which blocks are emitted, as (copy, block): the
  /// region's blocks, then the loop's blocks of each further copy. Sets
  /// `copies` and `copyLabels` (one copy without a budget, or with a
  /// counted loop, which has its own unchecked copy).
  mutating func layOutLoopCopies(counted: Bool) -> [(Int, Int)] {
    let n = region.blocks.count
    var order = (0..<n).map { (0, $0) }
    copies = 1
    copyLabels = []
    guard !counted, let plan = budgetPlan, plan.copies > 1 else { return order }
    copies = plan.copies
    for c in 1..<copies {
      copyLabels.append((0..<n).map { _ in a.newLabel() })
      order += (0..<n).filter { plan.inLoop[$0] }.map { (c, $0) }
    }
    return order
  }
}
