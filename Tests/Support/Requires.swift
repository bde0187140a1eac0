import Foundation
import Testing

extension Trait where Self == ConditionTrait {
  /// Skips, with `reason`, unless an outside tool (or test data) is
  /// `available`. Under CI (`CI` set to any value) the test runs anyway, so a
  /// missing one fails it where it is needed instead of skipping.
  public static func requires(
    _ available: Bool, _ reason: String, sourceLocation: SourceLocation = #_sourceLocation
  ) -> Self {
    .enabled(
      if: available || ProcessInfo.processInfo.environment["CI"] != nil,
      Comment(rawValue: reason), sourceLocation: sourceLocation)
  }
}
