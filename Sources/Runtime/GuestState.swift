import KilnIR
import KilnPort

/// The block of host memory that generated code reaches through its pinned
/// state pointer. One allocation, made when the VM is created. Every field is
/// reached through `layout`, whose offsets are relative to `pointer` (the
/// value of the pinned register), so the two memory modes differ only here.
///
/// The two layouts, paged and flat, are drawn and built in
/// `GuestStateLayout.swift`.
struct GuestState {
  static let registerCount = 33
  static let noPage: UInt32 = 0xFFFF_FFFF
  static let jumpCacheEntries = 65536
  static let jumpCacheEmpty: UInt64 = 1  // odd: never an aligned guest PC
  static let jumpCacheMask = UInt32(jumpCacheEntries - 1)

  let layout: StateLayout
  /// The budget counters (always present; `layout.budget` is set only when
  /// generated code checks them).
  let budgetOffsets: BudgetLayout
  /// The budget (`Config.instructionBudget`, or no limit): `budgetUsed` is
  /// it minus the `remaining` word generated code counts down.
  let budgetEnd: UInt64
  /// The value of generated code's state register.
  let pointer: UnsafeMutableRawPointer
  /// Keeps the memory alive.
  private let storage: AnyObject
  /// The paged state block's miss region (`PageWalk.faulting`, natively).
  let pagedReservation: PagedReservation?

  /// A paged state block (its own allocation, from the executor). With the
  /// faulting walk natively, the reservation also holds a guarded page pool
  /// of `poolPages` pages when that is non-zero (`PagedMemory`).
  init(
    walk: PageWalk, preferredRegisters: [GuestRegister], budget: GuestBudget?,
    executor: any Executor, poolPages: Int = 0
  ) throws(VMError) {
    if walk == .faulting, executor.runsNatively,
      let reservation = PagedReservation(stateSize: Paged.size, poolPages: poolPages)
    {
      storage = reservation
      pointer = reservation.start
      pagedReservation = reservation
    } else {
      let memory = try HostAllocation(size: Paged.size, executor: executor)
      storage = memory
      pointer = memory.base
      pagedReservation = nil
    }
    var layout = Paged.layout(walk: walk)
    layout.preferredRegisters = preferredRegisters
    budgetOffsets = Paged.offsets.budget
    budgetEnd = budget?.end ?? .max
    if let budget { layout.budget = budgetOffsets.polling(budget.polls) }
    self.layout = layout
    resetJumpCache()
  }

  /// The state block of a flat reservation.
  init(
    flat reservation: FlatReservation, preferredRegisters: [GuestRegister], budget: GuestBudget?
  ) {
    storage = reservation
    pointer = reservation.guestBase
    pagedReservation = nil
    var layout = Flat.layout
    layout.preferredRegisters = preferredRegisters
    budgetOffsets = Flat.offsets.budget
    budgetEnd = budget?.end ?? .max
    if let budget { layout.budget = budgetOffsets.polling(budget.polls) }
    self.layout = layout
    resetJumpCache()
  }

  // MARK: typed views (all offsets come from `layout`)

  /// The field at `offset` (from `layout`) as a typed pointer.
  /// SAFETY: every layout offset lies inside the state block this value keeps alive.
  func field<T>(_ offset: Int32, as type: T.Type) -> UnsafeMutablePointer<T> {
    (pointer + Int(offset)).assumingMemoryBound(to: T.self)
  }

  var registers: UnsafeMutablePointer<UInt32> { field(layout.registers, as: UInt32.self) }
  var jumpCache: UnsafeMutablePointer<UInt64> { field(layout.jumpCache, as: UInt64.self) }
  var hostCalls: UnsafeMutablePointer<UInt> { field(layout.hostCalls, as: UInt.self) }
  /// Where host calls' first argument points (see `HostCalls.vm`).
  var hostContext: UnsafeMutableRawPointer { pointer + Int(layout.hostContext) }

  var exitPC: UInt32 {
    get { field(layout.exitPC, as: UInt32.self).pointee }
    nonmutating set { field(layout.exitPC, as: UInt32.self).pointee = newValue }
  }
  var exitPatchSite: UInt {
    get { field(layout.exitPatchSite, as: UInt.self).pointee }
    nonmutating set { field(layout.exitPatchSite, as: UInt.self).pointee = newValue }
  }
  var owner: UnsafeMutableRawPointer? {
    get { hostContext.load(as: UnsafeMutableRawPointer?.self) }
    nonmutating set { hostContext.storeBytes(of: newValue, as: UnsafeMutableRawPointer?.self) }
  }

  /// Guest instructions counted against the budget: the budget minus
  /// `BudgetLayout.remaining`, which generated code counts down.
  var budgetUsed: UInt64 {
    get { budgetEnd &- field(budgetOffsets.remaining, as: UInt64.self).pointee }
    nonmutating set {
      field(budgetOffsets.remaining, as: UInt64.self).pointee = budgetEnd &- newValue
    }
  }
  /// The budget's limit (`BudgetLayout.limit`); an interrupt sets it to 0.
  var budgetLimit: UnsafeMutablePointer<UInt64> { field(budgetOffsets.limit, as: UInt64.self) }

  func resetJumpCache() {
    for i in 0..<Self.jumpCacheEntries {
      jumpCache[2 * i] = Self.jumpCacheEmpty
      jumpCache[2 * i + 1] = 0
    }
  }

  func cacheJump(pc: UInt32, host: UInt) {
    let i = Int((pc >> 2) & layout.jumpCacheMask)
    jumpCache[2 * i] = UInt64(pc)
    jumpCache[2 * i + 1] = UInt64(host)
  }
}
