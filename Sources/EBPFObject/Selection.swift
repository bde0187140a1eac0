extension EBPFObjectFile {
  /// The function a program starts at.
  ///
  /// * `function` given: the function of that name (in `section`, if also given).
  /// * only `section` given: the one global function of that section (or its
  ///   one function, if none is global; or the whole section, if it has no
  ///   function symbols).
  /// * neither: `main` if there is one; else the one global function of the
  ///   object (or its one function, if none is global; or the one program
  ///   section, if there are no function symbols).
  ///
  /// When several could be chosen the error lists them.
  public func entryFunction(named function: String? = nil, section: String? = nil)
    throws(EBPFObjectError) -> ObjectFunction
  {
    var pool = functions
    if let section {
      guard let s = programSections.first(where: { $0.name == section }) else {
        throw .noSuchSection(name: section, candidates: programSections.map(\.name))
      }
      pool = functions.filter { $0.sectionIndex == s.index }
      if function == nil && pool.isEmpty { return wholeSection(s) }
    }
    if let function {
      guard let f = pool.first(where: { $0.name == function }) else {
        throw .noSuchFunction(name: function, candidates: pool.map(\.name))
      }
      return f
    }
    if section == nil, let main = pool.first(where: { $0.name == "main" }) { return main }
    let globals = pool.filter(\.isGlobal)
    let candidates = globals.isEmpty ? pool : globals
    if candidates.count == 1 { return candidates[0] }
    if candidates.isEmpty {
      let programs = programSections
      if programs.count == 1 { return wholeSection(programs[0]) }
      if programs.isEmpty { throw .noFunctions }
      throw .ambiguousProgram(candidates: programs.map(\.name))
    }
    throw .ambiguousProgram(candidates: candidates.map { "\($0.name) (\($0.section))" })
  }

  /// Links the chosen function (see ``entryFunction(named:section:)``) and
  /// every function it calls into one program, its data sections copied to
  /// `memory` (see ``SectionMemory``: low memory for a 32-bit port).
  public func load(
    function: String? = nil, section: String? = nil, memory: SectionMemory = .heap
  ) throws(EBPFObjectError) -> LoadedObject {
    try load(entryFunction(named: function, section: section), memory: memory)
  }

  /// Links `entry` and every function it calls into one program.
  public func load(_ entry: ObjectFunction, memory: SectionMemory = .heap)
    throws(EBPFObjectError) -> LoadedObject
  {
    try LoadedObject(linking: Linker(object: self).link(entry), memory: memory)
  }

  /// A section without function symbols, taken as one function named after it.
  func wholeSection(_ s: ObjectSection) -> ObjectFunction {
    ObjectFunction(
      name: s.name, section: s.name, sectionIndex: s.index, offset: 0, size: s.size,
      isGlobal: true)
  }
}
