package socialake.serve;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.analysis.AnalysisContext;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.SubqueryExpression;
import org.apache.spark.sql.catalyst.plans.logical.Command;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import scala.Function1;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractFunction1;
import scala.runtime.BoxedUnit;

/**
 * A Spark SQL extension (spark.sql.extensions=socialake.serve.ReadOnlyExtension) that makes a
 * session read-only for SQL clients: after analysis, any command that is not on the allow-list
 * below (queries, SET, USE, SHOW, DESCRIBE, EXPLAIN) is refused with an error naming what was
 * refused, before it runs. So are reads of storage outside the served views (parquet.`/any/file`,
 * delta.`/any/path`: a client sees the gold and ops views only, never bronze, silver or secrets
 * on the server's disk) and the functions that call arbitrary Java methods (reflect,
 * java_method). The thread that registers the served tables exempts itself once
 * ({@link #exemptCurrentThread()}); a client's thread never can (no method undoes the check).
 */
public final class ReadOnlyExtension extends AbstractFunction1<SparkSessionExtensions, BoxedUnit> {

  private static final ThreadLocal<Boolean> EXEMPT = ThreadLocal.withInitial(() -> Boolean.FALSE);

  /** Commands a read-only client may run (simple class names of Spark's logical plans). */
  static final Set<String> ALLOWED_COMMANDS = new HashSet<>(Arrays.asList(
      "SetCommand", "ResetCommand", "SetNamespaceCommand", "SetCatalogAndNamespace", "SetCatalogCommand",
      "ShowTables", "ShowTablesCommand", "ShowTableExtended", "ShowTablesExtendedCommand", "ShowViews",
      "ShowViewsCommand", "ShowNamespaces", "ShowNamespacesCommand", "ShowCatalogs", "ShowCatalogsCommand",
      "ShowCurrentNamespace", "ShowCurrentNamespaceCommand", "ShowColumns", "ShowColumnsCommand",
      "ShowFunctions", "ShowFunctionsCommand", "ShowTableProperties", "ShowTablePropertiesCommand",
      "ShowCreateTable", "ShowCreateTableCommand", "ShowPartitions", "ShowPartitionsCommand",
      "DescribeRelation", "DescribeTableCommand", "DescribeColumn", "DescribeColumnCommand",
      "DescribeNamespace", "DescribeDatabaseCommand", "DescribeFunction", "DescribeFunctionCommand",
      "DescribeQueryCommand", "DescribeCommandBase", "ExplainCommand"));

  /** Leaf plans that produce rows without reading storage. */
  static final Set<String> HARMLESS_LEAVES = new HashSet<>(Arrays.asList(
      "LocalRelation", "OneRowRelation", "Range", "EmptyRelation"));

  /** Expressions that call arbitrary static Java methods (reflect, java_method). */
  static final Set<String> REFUSED_EXPRESSIONS = new HashSet<>(Arrays.asList("CallMethodViaReflection"));

  /** The registering thread (socialake serve itself) may create the views and tables it serves. */
  public static void exemptCurrentThread() {
    EXEMPT.set(Boolean.TRUE);
  }

  @Override
  public BoxedUnit apply(SparkSessionExtensions extensions) {
    extensions.injectCheckRule(new AbstractFunction1<SparkSession, Function1<LogicalPlan, BoxedUnit>>() {
      @Override
      public Function1<LogicalPlan, BoxedUnit> apply(SparkSession session) {
        return new Check();
      }
    });
    return BoxedUnit.UNIT;
  }

  /** The name of what `plan` would do that a read-only session refuses, or null. */
  public static String refusal(LogicalPlan plan) {
    String caller = sparkCaller();
    if (caller.equals("delta")) {
      return null;   // Delta Lake reading its own transaction log for the query being analysed
    }
    return refusal(plan, caller.equals("view") || AnalysisContext.get().nestedViewDepth() > 0);
  }

  /**
   * Who asked for this check, from the call stack: "view" when Spark checks a view's body on its
   * own while resolving the view (ViewResolution.resolve runs checkAnalysis on it outside the
   * view's analysis context; clients cannot create views, so every view resolved is a served
   * one), "delta" when Delta Lake analyses its internal query over a table's log (the client's
   * own statement is checked again afterwards, outside Delta's frames), else "client".
   */
  private static String sparkCaller() {
    return StackWalker.getInstance().walk(frames -> frames
        .map(frame -> frame.getClassName())
        .filter(name -> name.startsWith("org.apache.spark.sql.catalyst.analysis.ViewResolution")
            || name.startsWith("org.apache.spark.sql.delta."))
        .findFirst()
        .map(name -> name.startsWith("org.apache.spark.sql.delta.") ? "delta" : "view")
        .orElse("client"));
  }

  /** inView: the plan is (inside) the body of a served view, checked while the view resolves. */
  static String refusal(LogicalPlan plan, boolean inView) {
    String name = plan.getClass().getSimpleName();
    if (name.equals("View")) {
      inView = true;   // a served view: created by socialake serve, the only place storage is read
    }
    if (!inView && (name.contains("Relation") || name.equals("LogicalRDD")) && !HARMLESS_LEAVES.contains(name)) {
      return "reading storage outside the gold and ops views (" + name + ")";
    }
    if (plan instanceof Command && !ALLOWED_COMMANDS.contains(name)) {
      return name;
    }
    if (name.startsWith("InsertInto") || name.contains("Write") || name.startsWith("Merge")
        || name.startsWith("Update") || name.startsWith("Delete") || name.startsWith("Create")
        || name.startsWith("Drop") || name.startsWith("Alter") || name.startsWith("Truncate")
        || name.startsWith("Replace") || name.contains("Cache")) {
      return name;
    }
    for (Expression expression : CollectionConverters.asJava(plan.expressions())) {
      String refused = refusal(expression, inView);
      if (refused != null) {
        return refused;
      }
    }
    for (LogicalPlan child : CollectionConverters.asJava(plan.children())) {
      String refused = refusal(child, inView);
      if (refused != null) {
        return refused;
      }
    }
    return null;
  }

  private static String refusal(Expression expression, boolean inView) {
    if (REFUSED_EXPRESSIONS.contains(expression.getClass().getSimpleName())) {
      return "the reflect/java_method function";
    }
    if (expression instanceof SubqueryExpression) {
      String refused = refusal(((SubqueryExpression) expression).plan(), inView);
      if (refused != null) {
        return refused;
      }
    }
    for (Expression child : CollectionConverters.asJava(expression.children())) {
      String refused = refusal(child, inView);
      if (refused != null) {
        return refused;
      }
    }
    return null;
  }

  static final class Check extends AbstractFunction1<LogicalPlan, BoxedUnit> {
    @Override
    public BoxedUnit apply(LogicalPlan plan) {
      if (!EXEMPT.get()) {
        String refused = refusal(plan);
        if (refused != null) {
          throw new SecurityException("socialake serve is read-only: " + refused
              + " is refused (gold and ops are written by the socialake jobs, never over SQL)");
        }
      }
      return BoxedUnit.UNIT;
    }
  }
}
